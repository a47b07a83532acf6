from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email


class InvalidEmailAddress(ValueError):
    """The text given is not a syntactically valid email address."""


@dataclass(frozen=True)
class EmailAddress:
    """Value object: a syntactically valid email address in normalised form.

    Surrounding whitespace is dropped and the domain is lower-cased and put
    in Unicode normal form; the local part keeps its case. Deliverability is
    not checked: that would need DNS, which the core does not do.
    """

    value: str

    def __post_init__(self) -> None:
        if not isinstance(self.value, str):
            raise InvalidEmailAddress("an email address must be a string")
        try:
            checked = validate_email(
                self.value.strip(), check_deliverability=False, strict=True
            )
        except EmailNotValidError as error:
            raise InvalidEmailAddress(str(error)) from error
        object.__setattr__(self, "value", checked.normalized)

    def masked(self) -> str:
        """The address with its local part hidden, for logs."""
        local, _, domain = self.value.rpartition("@")
        return f"{local[:1]}***@{domain}"

    def __str__(self) -> str:
        return self.value
