"""What the services share with each other and with the outside world, declared once as typed
models: request bodies, answers, problem documents, the `data` of every integration event, and
the value types they are made of. The published documents (`contracts/openapi.json`, the event
schemas, `contracts/asyncapi.json`, the category map) are generated from here by
`wegwijs contracts`.

This package imports nothing of the services: every service, the gateway and the tools may
import it.
"""
