package dev.libraryevents.support.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The event JSON Lambda sends, as AWS spells it, mapped by the handler itself rather than by the runtime. */
class JsonHandlerTest {

    /** Keeps the event it was given and answers what it was told to. */
    private static final class Recording<I, O> extends JsonHandler<I, O> {
        private final O answer;
        private I received;

        Recording(Class<I> type, O answer) {
            super(type);
            this.answer = answer;
        }

        @Override
        public O handleRequest(I event, Context context) {
            received = event;
            return answer;
        }

        String call(String json) throws Exception {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            handleRequest(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), out, null);
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void shouldMapAProxyEvent_andAnswerWithoutNullFields() throws Exception {
        var handler = new Recording<>(APIGatewayProxyRequestEvent.class, new APIGatewayProxyResponseEvent()
                .withStatusCode(201).withHeaders(Map.of("Content-Type", "application/json")).withBody("{}"));

        String answer = handler.call("""
                {"resource": "/books/{bookId}", "path": "/books/b-1", "httpMethod": "GET",
                 "headers": {"X-Correlation-Id": "req-1"}, "multiValueHeaders": {"X-Correlation-Id": ["req-1"]},
                 "pathParameters": {"bookId": "b-1"}, "queryStringParameters": null, "body": null,
                 "isBase64Encoded": false, "somethingNew": 1,
                 "requestContext": {"requestId": "r-1", "stage": "v1", "requestTimeEpoch": 1732261234000,
                                    "identity": {"sourceIp": "127.0.0.1"}}}""");

        APIGatewayProxyRequestEvent event = handler.received;
        assertThat(event.getHttpMethod()).isEqualTo("GET");
        assertThat(event.getPathParameters()).containsEntry("bookId", "b-1");
        assertThat(event.getHeaders()).containsEntry("X-Correlation-Id", "req-1");
        assertThat(event.getIsBase64Encoded()).isFalse();
        assertThat(event.getRequestContext().getIdentity().getSourceIp()).isEqualTo("127.0.0.1");
        assertThat(answer).isEqualTo("{\"statusCode\":201,\"headers\":{\"Content-Type\":\"application/json\"},"
                + "\"body\":\"{}\"}");
    }

    @Test
    void shouldMapAnSqsBatch_andItsItemFailures() throws Exception {
        var handler = new Recording<>(SQSEvent.class, new SQSBatchResponse(
                List.of(new SQSBatchResponse.BatchItemFailure("m-2"))));

        String answer = handler.call("""
                {"Records": [
                  {"messageId": "m-1", "receiptHandle": "h-1", "body": "{\\"detail\\":{}}", "md5OfBody": "x",
                   "eventSource": "aws:sqs", "eventSourceARN": "arn:aws:sqs:us-east-1:000000000000:q",
                   "awsRegion": "us-east-1", "attributes": {"ApproximateReceiveCount": "2"},
                   "messageAttributes": {}},
                  {"messageId": "m-2", "body": "not json"}]}""");

        List<SQSEvent.SQSMessage> records = handler.received.getRecords();
        assertThat(records).extracting(SQSEvent.SQSMessage::getMessageId).containsExactly("m-1", "m-2");
        assertThat(records.get(0).getEventSourceArn()).endsWith(":q");
        assertThat(records.get(0).getAttributes()).containsEntry("ApproximateReceiveCount", "2");
        assertThat(records.get(0).getBody()).isEqualTo("{\"detail\":{}}");
        assertThat(answer).isEqualTo("{\"batchItemFailures\":[{\"itemIdentifier\":\"m-2\"}]}");
    }

    @Test
    void shouldMapAStreamRecordsNewImage_withEveryAttributeType() throws Exception {
        var handler = new Recording<>(DynamodbEvent.class, Map.of());

        handler.call("""
                {"Records": [{"eventID": "e-1", "eventName": "INSERT", "eventVersion": "1.1",
                  "eventSource": "aws:dynamodb", "awsRegion": "us-east-1",
                  "eventSourceARN": "arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/x",
                  "dynamodb": {"ApproximateCreationDateTime": 1732261234, "SequenceNumber": "100",
                    "SizeBytes": 60, "StreamViewType": "NEW_IMAGE",
                    "Keys": {"pk": {"S": "OUTBOX#Book#b-1"}, "sk": {"S": "00000000000000000001"}},
                    "NewImage": {"pk": {"S": "OUTBOX#Book#b-1"}, "expiresAt": {"N": "1800000000"},
                                 "flag": {"BOOL": true}, "gone": {"NULL": true},
                                 "tags": {"SS": ["a", "b"]}, "nested": {"M": {"x": {"L": [{"S": "y"}]}}}}}}]}""");

        var record = handler.received.getRecords().get(0);
        assertThat(record.getEventName()).isEqualTo("INSERT");
        assertThat(record.getDynamodb().getSequenceNumber()).isEqualTo("100");
        var image = record.getDynamodb().getNewImage();
        assertThat(image.get("pk").getS()).isEqualTo("OUTBOX#Book#b-1");
        assertThat(image.get("expiresAt").getN()).isEqualTo("1800000000");
        assertThat(image.get("flag").getBOOL()).isTrue();
        assertThat(image.get("gone").isNULL()).isTrue();
        assertThat(image.get("tags").getSS()).containsExactly("a", "b");
        assertThat(image.get("nested").getM().get("x").getL().get(0).getS()).isEqualTo("y");
    }
}
