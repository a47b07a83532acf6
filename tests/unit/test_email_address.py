import pytest

from registration.domain import EmailAddress, InvalidEmailAddress


@pytest.mark.parametrize(
    ("given", "normalised"),
    [
        ("ann@example.com", "ann@example.com"),
        ("  ann@example.com\t\n", "ann@example.com"),
        ("Ann@EXAMPLE.Com", "Ann@example.com"),
        ("bob@例え.jp", "bob@例え.jp"),
    ],
)
def test_an_address_is_kept_in_normalised_form(given: str, normalised: str) -> None:
    assert EmailAddress(given).value == normalised


def test_addresses_that_normalise_alike_are_equal() -> None:
    assert EmailAddress(" ann@EXAMPLE.com") == EmailAddress("ann@example.com")


@pytest.mark.parametrize(
    "given",
    [
        "",
        "ann",
        "ann@",
        "@example.com",
        "ann@example",
        "ann@@example.com",
        "ann smith@example.com",
        "ann@example.com\x00",
        "a" * 250 + "@example.com",
    ],
)
def test_an_invalid_address_cannot_be_made(given: str) -> None:
    with pytest.raises(InvalidEmailAddress):
        EmailAddress(given)


def test_a_value_that_is_not_text_is_not_an_address() -> None:
    with pytest.raises(InvalidEmailAddress, match="must be a string"):
        EmailAddress(42)  # type: ignore[arg-type]


def test_the_masked_form_hides_the_local_part() -> None:
    assert EmailAddress("annabel@example.com").masked() == "a***@example.com"
