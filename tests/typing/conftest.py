"""tests/typing holds code that is only type-checked (by tests/test_typing.py), never run.

With --doctest-modules pytest would import every module here, running CUDA moves and
deliberate errors; ignore them all.
"""

collect_ignore_glob = ["pass/*.py", "fail/*.py", "reveal/*.py"]
