"""The user pool's password rules: the deployed pool, the local pool and the site's sign-up
form all state these, so a password the form accepts is one Cognito accepts.

(The site's copy is `frontend/lib/password.ts`; a test holds it to this one.)
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PasswordPolicy:
    minimum_length: int = 12
    require_lowercase: bool = True
    require_uppercase: bool = True
    require_numbers: bool = True
    require_symbols: bool = True

    def as_cognito_api(self) -> dict[str, int | bool]:
        """The `PasswordPolicy` of Cognito's CreateUserPool (what the local pool is given)."""
        return {
            "MinimumLength": self.minimum_length,
            "RequireLowercase": self.require_lowercase,
            "RequireUppercase": self.require_uppercase,
            "RequireNumbers": self.require_numbers,
            "RequireSymbols": self.require_symbols,
        }


PASSWORD_POLICY = PasswordPolicy()
