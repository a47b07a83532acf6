"""An example consumer: welcomes each newly registered address.

It shows another team how to take `RegisteredEntryEvent` from the
registration service, in the same layers but small, depending only on the
event's published payload, never on the registration service's code.
"""
