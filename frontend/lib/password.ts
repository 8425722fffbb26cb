// The user pool's password rules, as the sign-up form states and checks them. The pools
// (deployed and local) take theirs from handlers/core/contracts/password_policy.py; a test holds the
// two to the same values.

export const PASSWORD_MIN_LENGTH = 12;

export const PASSWORD_RULES = `At least ${PASSWORD_MIN_LENGTH} characters, with upper and lower case letters, a number and a symbol.`;
