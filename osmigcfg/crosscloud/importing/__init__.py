"""Import: create and update the planned resources in the destination.

:mod:`.run` plans, journals and runs; :mod:`.items` turns a plan into work
items; :mod:`.steps` are their TaskFlow steps.  What a type writes is the
type's own (:mod:`osmigcfg.crosscloud.types`)."""
