package dev.libraryevents.localcloud.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the AWS endpoint asks of S3 requests before s3proxy sees them: IAM's action, a link's expiry, the body. */
class S3EmulatorTest {

    @Test
    void shouldNameTheActionAndResourceOfEachRequest_asIamDoes() {
        assertThat(S3Emulator.access("GET", "/exports/a/b%20c.json"))
                .isEqualTo(new S3Emulator.Access("s3:GetObject", "arn:aws:s3:::exports/a/b c.json"));
        assertThat(S3Emulator.access("HEAD", "/exports/a.json").action()).isEqualTo("s3:GetObject");
        assertThat(S3Emulator.access("PUT", "/exports/a.json").action()).isEqualTo("s3:PutObject");
        assertThat(S3Emulator.access("DELETE", "/exports/a.json").action()).isEqualTo("s3:DeleteObject");
        assertThat(S3Emulator.access("GET", "/exports")).isEqualTo(new S3Emulator.Access("s3:ListBucket",
                "arn:aws:s3:::exports"));
        assertThat(S3Emulator.access("PUT", "/exports/").action()).isEqualTo("s3:CreateBucket");
        assertThat(S3Emulator.access("GET", "/").action()).isEqualTo("s3:ListAllMyBuckets");
    }

    @Test
    void shouldReadTheBytesOfAnAwsChunkedBody_signedOrNot_andIgnoreItsTrailer() {
        String unsigned = "5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n";
        String signed = "b;chunk-signature=abc\r\nhello world\r\n0;chunk-signature=def\r\n\r\n";

        assertThat(new String(S3Emulator.dechunk(unsigned.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8))
                .isEqualTo("hello world");
        assertThat(new String(S3Emulator.dechunk(signed.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8))
                .isEqualTo("hello world");
    }

    @Test
    void shouldRefuseAPresignedLinkOnceItsValidityIsOver() {
        Clock now = Clock.fixed(Instant.parse("2026-11-24T12:15:00Z"), ZoneOffset.UTC);

        assertThat(S3Emulator.expired(Map.of("X-Amz-Date", "20261124T120000Z", "X-Amz-Expires", "900"), now))
                .isNull();
        assertThat(S3Emulator.expired(Map.of("X-Amz-Date", "20261124T115959Z", "X-Amz-Expires", "900"), now))
                .isEqualTo("Request has expired");
        assertThat(S3Emulator.expired(Map.of("X-Amz-Date", "20261124T120000Z", "X-Amz-Expires", "700000"), now))
                .contains("between 1 and 604800");
        assertThat(S3Emulator.expired(Map.of(), now)).as("signed in its headers").isNull();
    }
}
