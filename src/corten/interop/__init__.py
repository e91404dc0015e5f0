"""Exchange with other libraries: DLPack (export and import, host and CUDA capsules), the
NumPy array interface, the buffer protocol, ``__cuda_array_interface__`` and pickle.
Built on the tensor types; registers the export methods with them on import.
"""
