package dev.libraryevents.localcloud.cognito;

/** A user pool's password policy from the template, checked as Cognito checks it. */
record PasswordPolicy(int minimumLength, boolean lowercase, boolean uppercase, boolean numbers, boolean symbols) {

    /** What is wrong with the password, in Cognito's words, or null. */
    String violation(String password) {
        if (password.length() < minimumLength) {
            return "Password not long enough";
        }
        if (lowercase && password.chars().noneMatch(Character::isLowerCase)) {
            return "Password must have lowercase characters";
        }
        if (uppercase && password.chars().noneMatch(Character::isUpperCase)) {
            return "Password must have uppercase characters";
        }
        if (numbers && password.chars().noneMatch(Character::isDigit)) {
            return "Password must have numeric characters";
        }
        if (symbols && password.chars().allMatch(Character::isLetterOrDigit)) {
            return "Password must have symbol characters";
        }
        return null;
    }
}
