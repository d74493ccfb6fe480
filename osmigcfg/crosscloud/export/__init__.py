"""Export: read a source cloud into editable YAML documents
(:mod:`.exporter`)."""
