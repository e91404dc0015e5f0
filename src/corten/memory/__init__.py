"""The memory layer: ``Buffer`` (one allocation), ``Storage`` (the swappable identity that an
owner and its mutable views share) and the copy-on-write rules between them.

It stands on the ground layer only; backends allocate Buffers, tensors hold Storages.
"""
