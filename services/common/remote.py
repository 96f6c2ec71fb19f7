"""Register the chain's errors with nameko so they cross RPC as themselves."""

from nameko.exceptions import deserialize_to_instance

from services.common import wire  # noqa: F401 - plain JSON on the wire
from services.common.errors import EXPECTED

for _error in EXPECTED:
    deserialize_to_instance(_error)
