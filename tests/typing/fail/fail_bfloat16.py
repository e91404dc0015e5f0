"""bfloat16 meets other floats only through an explicit astype, as every dtype does.

Type-checked only, never run.
"""

import corten as ct

bf = ct.zeros((2, 3), dtype=ct.bfloat16)
f16 = ct.zeros((2, 3), dtype=ct.float16)

_ = bf + f16  # type: ignore[operator]  # pyright: ignore[reportOperatorIssue, reportUnknownVariableType]
bf.copy_(f16)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
