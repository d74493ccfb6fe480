"""Copy: move image and volume data between the clouds.

:mod:`.run` plans, journals and runs; :mod:`.specs` says what each item
copies; :mod:`.steps` are the TaskFlow steps over :mod:`.storage_ops`
(glance/cinder calls) and :mod:`.transfer` (verified streaming);
:mod:`.scale` runs the steps on TaskFlow workers over a message queue."""
