"""Build of the optional C accelerator; everything else is configured in pyproject.toml.

``corten.core._speedups`` computes the layout of basic indices. It is optional: where it
cannot be compiled, corten uses the same arithmetic in Python (corten.layout).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "corten.core._speedups",
            sources=["src/corten/core/_speedups.c"],
            optional=True,
            extra_compile_args=["-O2"],
        )
    ]
)
