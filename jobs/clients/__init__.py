"""One client module per external service, each written against the service's real protocol
(../shared/docs/external-apis.md) and tested against a fake server under tests/support/fakes/."""
