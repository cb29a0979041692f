"""The member CSV columns, in order (docs/members-import.md). Free of Django so generators
and documentation tools can import it."""

COLUMNS = (
    "number",
    "first_name",
    "last_name",
    "email",
    "phone",
    "address",
    "postcode",
    "date_of_birth",
    "gender",
    "constituency",
    "branch",
    "joined_on",
    "status",
    "status_since",
)
REQUIRED_COLUMNS = ("first_name", "last_name", "joined_on")
