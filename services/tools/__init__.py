"""The command-line tools: `wegwijs` (`cli.py`), migrate, the demo region, partner and audit
administration. This is the one package that may import every service; no service, nor
`services.common` or `services.contracts`, imports it (`tests/unit/test_import_rules.py`)."""
