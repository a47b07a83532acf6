# Piped into `nameko shell --config config.yaml`, which provides `n`.
# The shell reads its input as typed lines: a block (if, for, def) would
# need a blank line to end it, so the recipe keeps to plain statements.
import datetime
import uuid

result = n.rpc.nameko_registration_service.register_entry("ann@example.com")
print("registered", result["email"], "with event", result["event_id"])
# Every field of the event contract, for an entry that was never stored.
payload = {
    "name": "RegisteredEntryEvent",
    "event_id": str(uuid.uuid4()),
    "entry_id": str(uuid.uuid4()),
    "email": "bob@example.com",
    "timestamp": datetime.datetime.now(datetime.UTC).isoformat(),
}
n.dispatch_event("nameko_registration_service", "RegisteredEntryEvent", payload)
print("dispatched", payload["event_id"])
