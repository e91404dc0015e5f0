"""The ground layer: what every other layer stands on and that imports nothing above it.

Element types (:mod:`~corten.core.dtypes`), devices as value objects
(:mod:`~corten.core.devices`), layout arithmetic over shape/strides/offset tuples
(:mod:`~corten.core.layout`, with its optional C accelerator ``_speedups``), the error
classes (:mod:`~corten.core.errors`), scalar conversion under the dtype rules
(:mod:`~corten.core.convert`) and the static typing parameters
(:mod:`~corten.core.typeparams`).
"""
