"""The SMS gateway: the whole guidance by text message, for people without smartphones."""
