/* corten.core._speedups: the layout arithmetic of basic indexing, in C.
 *
 * ``basic_layout(shape, strides, offset, index)`` returns ``(shape, strides, offset)``
 * of the view that a basic index selects when the index is one of the common forms:
 * an exact ``int``, an exact ``slice`` with ``int``/``None`` members, or a tuple of at
 * most ``len(shape)`` of them. It returns ``None`` for everything else (``None``,
 * ``...``, NumPy integers, out-of-range integers, too many indices, any overflow), and
 * the caller then takes the Python path, which gives the same layouts and the errors.
 * ``narrow_layout`` and ``permute_layout`` do the same for ``narrow`` and ``permute``. Shapes and strides count elements;
 * strides may be negative or zero.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static int
mul_add(Py_ssize_t a, Py_ssize_t b, Py_ssize_t *acc)
{
    Py_ssize_t prod;
    if (__builtin_mul_overflow(a, b, &prod)) return -1;
    if (__builtin_add_overflow(*acc, prod, acc)) return -1;
    return 0;
}

static PyObject *
basic_layout(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 4) {
        PyErr_SetString(PyExc_TypeError, "basic_layout takes 4 arguments");
        return NULL;
    }
    PyObject *shape = args[0], *strides = args[1], *idx = args[3];
    if (!PyTuple_CheckExact(shape) || !PyTuple_CheckExact(strides) ||
        PyTuple_GET_SIZE(shape) != PyTuple_GET_SIZE(strides) || !PyLong_CheckExact(args[2])) {
        Py_RETURN_NONE;
    }
    Py_ssize_t offset = PyLong_AsSsize_t(args[2]);
    if (offset == -1 && PyErr_Occurred()) {
        PyErr_Clear();
        Py_RETURN_NONE;
    }
    PyObject *const *items;
    Py_ssize_t nitems;
    if (PyTuple_CheckExact(idx)) {
        items = &PyTuple_GET_ITEM(idx, 0);
        nitems = PyTuple_GET_SIZE(idx);
    }
    else {
        items = &args[3];
        nitems = 1;
    }
    Py_ssize_t ndim = PyTuple_GET_SIZE(shape);
    if (nitems > ndim) Py_RETURN_NONE;

    /* At most ndim result dimensions; kept on the stack for the usual ranks. */
    Py_ssize_t small_shape[16], small_strides[16];
    Py_ssize_t *out_shape = small_shape, *out_strides = small_strides;
    if (ndim > 16) {
        out_shape = PyMem_Malloc(sizeof(Py_ssize_t) * 2 * (size_t)ndim);
        if (out_shape == NULL) return PyErr_NoMemory();
        out_strides = out_shape + ndim;
    }
    PyObject *result = NULL;
    Py_ssize_t nout = 0, dim = 0;
    for (; dim < ndim; dim++) {
        Py_ssize_t size = PyLong_AsSsize_t(PyTuple_GET_ITEM(shape, dim));
        Py_ssize_t stride = PyLong_AsSsize_t(PyTuple_GET_ITEM(strides, dim));
        if ((size == -1 || stride == -1) && PyErr_Occurred()) {
            PyErr_Clear();
            goto fallback;
        }
        if (dim >= nitems) {
            out_shape[nout] = size;
            out_strides[nout++] = stride;
            continue;
        }
        PyObject *it = items[dim];
        if (PySlice_Check(it)) {
            PySliceObject *s = (PySliceObject *)it;
            if ((s->start != Py_None && !PyLong_CheckExact(s->start)) ||
                (s->stop != Py_None && !PyLong_CheckExact(s->stop)) ||
                (s->step != Py_None && !PyLong_CheckExact(s->step))) {
                goto fallback;
            }
            Py_ssize_t start, stop, step;
            if (PySlice_Unpack(it, &start, &stop, &step) < 0) {
                PyErr_Clear(); /* a zero step: Python's path raises the error */
                goto fallback;
            }
            Py_ssize_t n = PySlice_AdjustIndices(size, &start, &stop, step);
            Py_ssize_t new_stride;
            if (__builtin_mul_overflow(step, stride, &new_stride)) goto fallback;
            if (n > 0 && mul_add(start, stride, &offset) < 0) goto fallback;
            out_shape[nout] = n;
            out_strides[nout++] = new_stride;
        }
        else if (PyLong_CheckExact(it)) {
            Py_ssize_t i = PyLong_AsSsize_t(it);
            if (i == -1 && PyErr_Occurred()) {
                PyErr_Clear();
                goto fallback;
            }
            if (i < -size || i >= size) goto fallback; /* Python's path raises */
            if (i < 0) i += size;
            if (mul_add(i, stride, &offset) < 0) goto fallback;
        }
        else {
            goto fallback; /* None, ..., NumPy ints, bools, advanced indices */
        }
    }
    {
        PyObject *rs = PyTuple_New(nout);
        PyObject *rt = PyTuple_New(nout);
        PyObject *ro = PyLong_FromSsize_t(offset);
        if (rs == NULL || rt == NULL || ro == NULL) {
            Py_XDECREF(rs);
            Py_XDECREF(rt);
            Py_XDECREF(ro);
            goto done;
        }
        for (Py_ssize_t k = 0; k < nout; k++) {
            PyObject *a = PyLong_FromSsize_t(out_shape[k]);
            PyObject *b = PyLong_FromSsize_t(out_strides[k]);
            if (a == NULL || b == NULL) {
                Py_XDECREF(a);
                Py_XDECREF(b);
                Py_DECREF(rs);
                Py_DECREF(rt);
                Py_DECREF(ro);
                goto done;
            }
            PyTuple_SET_ITEM(rs, k, a);
            PyTuple_SET_ITEM(rt, k, b);
        }
        result = PyTuple_New(3);
        if (result == NULL) {
            Py_DECREF(rs);
            Py_DECREF(rt);
            Py_DECREF(ro);
            goto done;
        }
        PyTuple_SET_ITEM(result, 0, rs);
        PyTuple_SET_ITEM(result, 1, rt);
        PyTuple_SET_ITEM(result, 2, ro);
        goto done;
    }
fallback:
    result = Py_NewRef(Py_None);
done:
    if (out_shape != small_shape) PyMem_Free(out_shape);
    return result;
}


/* narrow_layout(shape, strides, offset, dim, start, length) -> (shape, offset) or None:
 * the layout of narrow(dim, start, length) when every argument is an exact int in
 * range (negative ``dim`` and ``start`` count from the end). None otherwise: the Python
 * path raises the errors. */
static PyObject *
narrow_layout(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 6) {
        PyErr_SetString(PyExc_TypeError, "narrow_layout takes 6 arguments");
        return NULL;
    }
    PyObject *shape = args[0], *strides = args[1];
    if (!PyTuple_CheckExact(shape) || !PyTuple_CheckExact(strides) ||
        PyTuple_GET_SIZE(shape) != PyTuple_GET_SIZE(strides)) {
        Py_RETURN_NONE;
    }
    Py_ssize_t v[4];
    for (int k = 0; k < 4; k++) {
        if (!PyLong_CheckExact(args[k + 2])) Py_RETURN_NONE;
        v[k] = PyLong_AsSsize_t(args[k + 2]);
        if (v[k] == -1 && PyErr_Occurred()) {
            PyErr_Clear();
            Py_RETURN_NONE;
        }
    }
    Py_ssize_t offset = v[0], dim = v[1], start = v[2], length = v[3];
    Py_ssize_t ndim = PyTuple_GET_SIZE(shape);
    if (dim < 0) dim += ndim;
    if (dim < 0 || dim >= ndim) Py_RETURN_NONE;
    Py_ssize_t size = PyLong_AsSsize_t(PyTuple_GET_ITEM(shape, dim));
    Py_ssize_t stride = PyLong_AsSsize_t(PyTuple_GET_ITEM(strides, dim));
    if ((size == -1 || stride == -1) && PyErr_Occurred()) {
        PyErr_Clear();
        Py_RETURN_NONE;
    }
    if (start < 0) start += size;
    if (start < 0 || start > size || length < 0 || length > size - start) Py_RETURN_NONE;
    if (length > 0 && mul_add(start, stride, &offset) < 0) Py_RETURN_NONE;
    PyObject *out = PyTuple_New(ndim);
    if (out == NULL) return NULL;
    for (Py_ssize_t k = 0; k < ndim; k++) {
        PyObject *item;
        if (k == dim) {
            item = PyLong_FromSsize_t(length);
            if (item == NULL) {
                Py_DECREF(out);
                return NULL;
            }
        }
        else {
            item = Py_NewRef(PyTuple_GET_ITEM(shape, k));
        }
        PyTuple_SET_ITEM(out, k, item);
    }
    PyObject *off = PyLong_FromSsize_t(offset);
    if (off == NULL) {
        Py_DECREF(out);
        return NULL;
    }
    PyObject *result = PyTuple_New(2);
    if (result == NULL) {
        Py_DECREF(out);
        Py_DECREF(off);
        return NULL;
    }
    PyTuple_SET_ITEM(result, 0, out);
    PyTuple_SET_ITEM(result, 1, off);
    return result;
}


/* permute_layout(shape, strides, order) -> (shape, strides) or None: the layout of
 * permute(*order) when ``order`` is a tuple of exact ints naming each dimension once
 * (negative ones count from the end). None otherwise: the Python path raises. */
static PyObject *
permute_layout(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "permute_layout takes 3 arguments");
        return NULL;
    }
    PyObject *shape = args[0], *strides = args[1], *order = args[2];
    if (!PyTuple_CheckExact(shape) || !PyTuple_CheckExact(strides) ||
        !PyTuple_CheckExact(order)) {
        Py_RETURN_NONE;
    }
    Py_ssize_t ndim = PyTuple_GET_SIZE(shape);
    if (PyTuple_GET_SIZE(strides) != ndim || PyTuple_GET_SIZE(order) != ndim || ndim > 64) {
        Py_RETURN_NONE;
    }
    Py_ssize_t pick[64];
    unsigned char seen[64] = {0};
    for (Py_ssize_t k = 0; k < ndim; k++) {
        PyObject *d = PyTuple_GET_ITEM(order, k);
        if (!PyLong_CheckExact(d)) Py_RETURN_NONE;
        Py_ssize_t v = PyLong_AsSsize_t(d);
        if (v == -1 && PyErr_Occurred()) {
            PyErr_Clear();
            Py_RETURN_NONE;
        }
        if (v < 0) v += ndim;
        if (v < 0 || v >= ndim || seen[v]) Py_RETURN_NONE;
        seen[v] = 1;
        pick[k] = v;
    }
    PyObject *rs = PyTuple_New(ndim);
    if (rs == NULL) return NULL;
    PyObject *rt = PyTuple_New(ndim);
    if (rt == NULL) {
        Py_DECREF(rs);
        return NULL;
    }
    for (Py_ssize_t k = 0; k < ndim; k++) {
        PyTuple_SET_ITEM(rs, k, Py_NewRef(PyTuple_GET_ITEM(shape, pick[k])));
        PyTuple_SET_ITEM(rt, k, Py_NewRef(PyTuple_GET_ITEM(strides, pick[k])));
    }
    PyObject *result = PyTuple_New(2);
    if (result == NULL) {
        Py_DECREF(rs);
        Py_DECREF(rt);
        return NULL;
    }
    PyTuple_SET_ITEM(result, 0, rs);
    PyTuple_SET_ITEM(result, 1, rt);
    return result;
}


/* Pin(array, release): a read-only view of a C-contiguous array's memory through the
 * buffer protocol, which calls ``release()`` when it dies. It is the base of corten's
 * read-only exports: NumPy does not collapse a base that is not an ndarray, so every
 * array derived from an export keeps the pin (and with it corten's hold) alive, and
 * the exports cannot be made writable because the memory is offered read-only. */
typedef struct {
    PyObject_HEAD
    Py_buffer view;     /* the array's memory, held for the pin's lifetime */
    PyObject *release;  /* called once, at deallocation */
} PinObject;

static PyObject *
pin_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    PyObject *array, *release;
    if (kwds != NULL && PyDict_GET_SIZE(kwds) != 0) {
        PyErr_SetString(PyExc_TypeError, "Pin takes no keyword arguments");
        return NULL;
    }
    if (!PyArg_UnpackTuple(args, "Pin", 2, 2, &array, &release)) return NULL;
    if (!PyCallable_Check(release)) {
        PyErr_SetString(PyExc_TypeError, "Pin's release must be callable");
        return NULL;
    }
    PinObject *self = (PinObject *)type->tp_alloc(type, 0);
    if (self == NULL) return NULL;
    if (PyObject_GetBuffer(array, &self->view, PyBUF_SIMPLE) < 0) {
        self->view.obj = NULL;
        Py_DECREF(self);
        return NULL;
    }
    self->release = Py_NewRef(release);
    return (PyObject *)self;
}

static void
pin_dealloc(PinObject *self)
{
    PyObject *release = self->release;
    self->release = NULL;
    if (release != NULL) {
#if PY_VERSION_HEX >= 0x030C0000
        PyObject *exc = PyErr_GetRaisedException();
#else
        PyObject *type, *value, *tb;
        PyErr_Fetch(&type, &value, &tb);
#endif
        PyObject *r = PyObject_CallNoArgs(release);
        if (r == NULL) {
            PyErr_WriteUnraisable(release);
        }
        else {
            Py_DECREF(r);
        }
#if PY_VERSION_HEX >= 0x030C0000
        PyErr_SetRaisedException(exc);
#else
        PyErr_Restore(type, value, tb);
#endif
        Py_DECREF(release);
    }
    if (self->view.obj != NULL) PyBuffer_Release(&self->view);
    PyTypeObject *tp = Py_TYPE(self);
    tp->tp_free((PyObject *)self);
    Py_DECREF(tp);
}

static int
pin_getbuffer(PinObject *self, Py_buffer *view, int flags)
{
    return PyBuffer_FillInfo(view, (PyObject *)self, self->view.buf, self->view.len, 1, flags);
}

static PyType_Slot pin_slots[] = {
    {Py_tp_new, pin_new},
    {Py_tp_dealloc, pin_dealloc},
    {Py_bf_getbuffer, pin_getbuffer},
    {Py_tp_doc, "Pin(array, release): read-only memory of array; calls release() when it dies."},
    {0, NULL},
};

static PyType_Spec pin_spec = {
    .name = "corten.core._speedups.Pin",
    .basicsize = sizeof(PinObject),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE,
    .slots = pin_slots,
};

static int
speedups_exec(PyObject *module)
{
    PyObject *pin_type = PyType_FromModuleAndSpec(module, &pin_spec, NULL);
    if (pin_type == NULL) return -1;
    int rc = PyModule_AddObjectRef(module, "Pin", pin_type);
    Py_DECREF(pin_type);
    return rc;
}

static PyMethodDef methods[] = {
    {"basic_layout", (PyCFunction)(void (*)(void))basic_layout, METH_FASTCALL,
     "basic_layout(shape, strides, offset, index) -> (shape, strides, offset) or None"},
    {"narrow_layout", (PyCFunction)(void (*)(void))narrow_layout, METH_FASTCALL,
     "narrow_layout(shape, strides, offset, dim, start, length) -> (shape, offset) or None"},
    {"permute_layout", (PyCFunction)(void (*)(void))permute_layout, METH_FASTCALL,
     "permute_layout(shape, strides, order) -> (shape, strides) or None"},
    {NULL, NULL, 0, NULL},
};

static PyModuleDef_Slot slots[] = {
    {Py_mod_exec, speedups_exec},
#ifdef Py_mod_multiple_interpreters
    {Py_mod_multiple_interpreters, Py_MOD_PER_INTERPRETER_GIL_SUPPORTED},
#endif
#ifdef Py_GIL_DISABLED
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
#endif
    {0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "corten.core._speedups",
    .m_doc = "The layout arithmetic of basic indexing, in C (see corten.layout).",
    .m_size = 0,
    .m_methods = methods,
    .m_slots = slots,
};

PyMODINIT_FUNC
PyInit__speedups(void)
{
    return PyModuleDef_Init(&module_def);
}
