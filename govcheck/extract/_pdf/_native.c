/* Optional compiled helpers for the pdfium reader (govcheck/extract/_pdf/pdfium.py).

   Why: per text line the reader makes 5-10 PDFium calls (rects, font size, matrix) and per cut of a
   line a binary search over char boxes; per page it may walk thousands of page objects for ruling
   lines. Through ctypes each call costs more than PDFium's own work, plus the Python around it. These
   functions do the same calls and the same double arithmetic, in the same order, and return the same
   Python objects as the Python code they stand in for, which stays as the fallback (no compiler, or
   GOVCHECK_PURE_PYTHON=1) and as the reference: tests/test_pdf_native.py compares both on every PDF of
   the corpus, byte for byte.

   PDFium is not linked: pdfium.py passes the addresses of the functions pypdfium2 already loaded
   (init), so this file needs only Python's headers and a C compiler. Rotated pages are left to Python.
   Built by hatch_build.py at install time; compiled with -ffp-contract=off so that a*x + c*y + e is
   rounded twice, as Python rounds it. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>

#define NATIVE_ABI 3

typedef struct { float a, b, c, d, e, f; } FS_MATRIX;

typedef int (*count_rects_t)(void *, int, int);
typedef int (*get_rect_t)(void *, int, double *, double *, double *, double *);
typedef int (*get_char_box_t)(void *, int, double *, double *, double *, double *);
typedef unsigned int (*get_unicode_t)(void *, int);
typedef int (*text_index_t)(void *, int);
typedef double (*font_size_t)(void *, int);
typedef int (*text_matrix_t)(void *, int, FS_MATRIX *);
typedef int (*char_origin_t)(void *, int, double *, double *);
typedef int (*count_objects_t)(void *);
typedef void *(*page_object_t)(void *, int);
typedef void *(*form_object_t)(void *, unsigned long);
typedef int (*obj_type_t)(void *);
typedef int (*obj_bounds_t)(void *, float *, float *, float *, float *);
typedef int (*obj_matrix_t)(void *, FS_MATRIX *);
typedef int (*char_index_t)(void *, int);
typedef unsigned long (*font_info_t)(void *, int, void *, unsigned long, int *);

static struct {
    count_rects_t count_rects;
    get_rect_t get_rect;
    get_char_box_t get_char_box;
    get_unicode_t get_unicode;
    text_index_t text_index;
    font_size_t font_size;
    text_matrix_t text_matrix;
    char_origin_t char_origin;
    count_objects_t page_count_objects;
    page_object_t page_object;
    count_objects_t form_count_objects;
    form_object_t form_object;
    obj_type_t obj_type;
    obj_bounds_t obj_bounds;
    obj_matrix_t obj_matrix;
    char_index_t char_index;
    font_info_t font_info;
} api;
static int ready = 0;

#define N_FUNCS 17

static PyObject *native_init(PyObject *self, PyObject *args) {
    PyObject *seq;
    if (!PyArg_ParseTuple(args, "O", &seq)) return NULL;
    PyObject *fast = PySequence_Fast(seq, "a sequence of function addresses");
    if (!fast) return NULL;
    if (PySequence_Fast_GET_SIZE(fast) != N_FUNCS) {
        Py_DECREF(fast);
        PyErr_SetString(PyExc_ValueError, "wrong number of function addresses");
        return NULL;
    }
    void *ptrs[N_FUNCS];
    for (Py_ssize_t i = 0; i < N_FUNCS; i++) {
        ptrs[i] = PyLong_AsVoidPtr(PySequence_Fast_GET_ITEM(fast, i));
        if (!ptrs[i]) {
            Py_DECREF(fast);
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "null function address");
            return NULL;
        }
    }
    Py_DECREF(fast);
    api.count_rects = (count_rects_t)ptrs[0];
    api.get_rect = (get_rect_t)ptrs[1];
    api.get_char_box = (get_char_box_t)ptrs[2];
    api.get_unicode = (get_unicode_t)ptrs[3];
    api.text_index = (text_index_t)ptrs[4];
    api.font_size = (font_size_t)ptrs[5];
    api.text_matrix = (text_matrix_t)ptrs[6];
    api.char_origin = (char_origin_t)ptrs[7];
    api.page_count_objects = (count_objects_t)ptrs[8];
    api.page_object = (page_object_t)ptrs[9];
    api.form_count_objects = (count_objects_t)ptrs[10];
    api.form_object = (form_object_t)ptrs[11];
    api.obj_type = (obj_type_t)ptrs[12];
    api.obj_bounds = (obj_bounds_t)ptrs[13];
    api.obj_matrix = (obj_matrix_t)ptrs[14];
    api.char_index = (char_index_t)ptrs[15];
    api.font_info = (font_info_t)ptrs[16];
    ready = 1;
    Py_RETURN_NONE;
}

static int not_ready(void) {
    if (!ready) {
        PyErr_SetString(PyExc_RuntimeError, "init() first");
        return 1;
    }
    return 0;
}

static PyObject *float4(double a, double b, double c, double d) {
    PyObject *t = PyTuple_New(4);
    if (!t) return NULL;
    PyObject *v[4] = {PyFloat_FromDouble(a), PyFloat_FromDouble(b), PyFloat_FromDouble(c), PyFloat_FromDouble(d)};
    for (int i = 0; i < 4; i++) {
        if (!v[i]) {
            for (int j = 0; j < 4; j++) Py_XDECREF(v[j]);
            Py_DECREF(t);
            return NULL;
        }
        PyTuple_SET_ITEM(t, i, v[i]);
    }
    return t;
}

static int append3(PyObject *list, double a, double b, double c) {
    PyObject *t = Py_BuildValue("(ddd)", a, b, c);
    if (!t) return -1;
    int rc = PyList_Append(list, t);
    Py_DECREF(t);
    return rc;
}

/* (rects, size, base) | None for chars c0..c1 of an upright page: the rects of
   chars c0..c1 moved by (-dx, -dy), empty ones dropped (None when none is left); the font size of char
   rep times sqrt|det| of its matrix (1.0 where that is 0), a size outside (0, 500) replaced by the first
   rect's height (at least 1.0); the baseline from the matrix when it is unrotated, else from the char
   origin, else the first rect's bottom. _PdfiumReader.line_geometry, upright branch. */
static PyObject *line_geometry(void *tp, int c0, int c1, int rep, double dx, double dy) {
    int n = api.count_rects(tp, c0, c1 - c0 + 1);
    PyObject *rects = PyList_New(0);
    if (!rects) return NULL;
    double first_y0 = 0, first_y1 = 0;
    for (int k = 0; k < n; k++) {
        double left, top, right, bottom;
        if (api.get_rect(tp, k, &left, &top, &right, &bottom)) {
            double x0 = left - dx, y0 = bottom - dy, x1 = right - dx, y1 = top - dy;
            if (x1 > x0 || y1 > y0) {
                if (PyList_GET_SIZE(rects) == 0) {
                    first_y0 = y0;
                    first_y1 = y1;
                }
                PyObject *t = float4(x0, y0, x1, y1);
                if (!t || PyList_Append(rects, t) < 0) {
                    Py_XDECREF(t);
                    Py_DECREF(rects);
                    return NULL;
                }
                Py_DECREF(t);
            }
        }
    }
    if (PyList_GET_SIZE(rects) == 0) {
        Py_DECREF(rects);
        Py_RETURN_NONE;
    }
    double size = api.font_size(tp, rep);
    int have_base = 0;
    double base = 0;
    FS_MATRIX mt;
    if (api.text_matrix(tp, rep, &mt)) {
        double s = sqrt(fabs((double)mt.a * (double)mt.d - (double)mt.b * (double)mt.c));
        size *= (s != 0.0 || isnan(s)) ? s : 1.0; /* Python's `x or 1.0`: NaN is true */
        if (mt.b == 0 && mt.c == 0) {
            base = (double)mt.f - dy;
            have_base = 1;
        }
    }
    if (!(0 < size && size < 500)) {
        double h = first_y1 - first_y0;
        size = h > 1.0 ? h : 1.0; /* max(1.0, h): 1.0 unless h is larger */
    }
    if (!have_base) {
        double ox, oy;
        base = first_y0;
        if (api.char_origin(tp, rep, &ox, &oy)) base = oy - dy;
    }
    PyObject *out = Py_BuildValue("(Ndd)", rects, size, base);
    return out;
}

/* _PdfiumReader.bold: GetFontInfo into the reader's own buffers (so that what a failed call leaves
   there is what the Python reader would see), the key (name up to its NUL, or b"" when nothing was
   written; flags), then the reader's memo, and `decide(key)` for a font not seen yet. -1 on error. */
typedef struct {
    void *tp;
    char *font_buf;
    unsigned long font_len;
    int *flags;
    PyObject *memo;
    PyObject *decide;
} bold_ctx;

static int bold_of(const bold_ctx *b, int idx) {
    unsigned long n = api.font_info(b->tp, idx, b->font_buf, b->font_len, b->flags);
    Py_ssize_t len = 0;
    if (n)
        while (len < (Py_ssize_t)b->font_len && b->font_buf[len]) len++;
    PyObject *key = Py_BuildValue("(y#i)", n ? b->font_buf : "", len, *b->flags);
    if (!key) return -1;
    PyObject *found = PyDict_GetItemWithError(b->memo, key); /* borrowed */
    int res;
    if (found) {
        res = PyObject_IsTrue(found);
    } else if (PyErr_Occurred()) {
        res = -1;
    } else {
        PyObject *decided = PyObject_CallOneArg(b->decide, key);
        res = decided ? PyObject_IsTrue(decided) : -1;
        Py_XDECREF(decided);
    }
    Py_DECREF(key);
    return res;
}

static int is_word(Py_UCS4 ch) { return Py_UNICODE_ISALNUM(ch) || ch == '_'; } /* re's \w on str */

/* page_lines(text, aligned, textpage, dx, dy, font_buf, font_len, flags, memo, decide) -> list of line
   geometries, for an upright page: _PdfiumReader.geometry. The text is cut where the segment regex
   cuts it (\r\n, \r, \n, \f, U+FFFE), each piece stripped as str.strip() does, the representative
   char is the first \w char (re's \w: alphanumeric or _), the last one for boldness the last
   alphanumeric char. */
static PyObject *native_page_lines(PyObject *self, PyObject *args) {
    PyObject *text, *memo, *decide;
    int aligned;
    unsigned long long tp_addr, buf_addr, flags_addr;
    unsigned long font_len;
    double dx, dy;
    if (!PyArg_ParseTuple(args, "UpKddKkKO!O", &text, &aligned, &tp_addr, &dx, &dy, &buf_addr, &font_len,
                          &flags_addr, &PyDict_Type, &memo, &decide))
        return NULL;
    if (not_ready()) return NULL;
    void *tp = (void *)(uintptr_t)tp_addr;
    bold_ctx bctx = {tp, (char *)(uintptr_t)buf_addr, font_len, (int *)(uintptr_t)flags_addr, memo, decide};
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t len = PyUnicode_GET_LENGTH(text);
    PyObject *out = PyList_New(0);
    if (!out) return NULL;
    Py_ssize_t pos = 0, i = 0;
    while (i <= len) { /* over text + "\n" */
        Py_UCS4 ch = i < len ? PyUnicode_READ(kind, data, i) : '\n';
        Py_ssize_t mlen;
        if (ch == '\r')
            mlen = (i + 1 < len ? PyUnicode_READ(kind, data, i + 1) == '\n' : i + 1 == len) ? 2 : 1;
        else if (ch == '\n' || ch == '\f' || ch == 0xFFFE)
            mlen = 1;
        else {
            i++;
            continue;
        }
        int soft = ch == 0xFFFE;
        Py_ssize_t start = pos, end = i;
        pos = i = i + mlen;
        while (start < end && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, start))) start++;
        while (end > start && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, end - 1))) end--;
        if (start == end) continue; /* (a lone soft hyphen has no text either) */
        int c0 = aligned ? (int)start : api.char_index(tp, (int)start);
        int c1 = aligned ? (int)(end - 1) : api.char_index(tp, (int)(end - 1));
        if (c0 < 0 || c1 < c0) continue;
        Py_ssize_t wm = -1;
        for (Py_ssize_t k = start; k < end; k++)
            if (is_word(PyUnicode_READ(kind, data, k))) {
                wm = k;
                break;
            }
        int rep = wm < 0 ? c0 : (aligned ? (int)wm : api.char_index(tp, (int)wm));
        if (rep < 0) rep = c0;
        PyObject *geom = line_geometry(tp, c0, c1, rep, dx, dy);
        if (!geom) goto fail;
        if (geom == Py_None) {
            Py_DECREF(geom);
            continue;
        }
        int bold = bold_of(&bctx, rep);
        if (bold > 0 && wm >= 0) {
            Py_ssize_t last = -1;
            for (Py_ssize_t k = end - 1; k >= start; k--)
                if (Py_UNICODE_ISALNUM(PyUnicode_READ(kind, data, k))) {
                    last = k;
                    break;
                }
            if (last >= 0 && last != wm) bold = bold_of(&bctx, aligned ? (int)last : api.char_index(tp, (int)last));
        }
        if (bold < 0) {
            Py_DECREF(geom);
            goto fail;
        }
        PyObject *seg = PyUnicode_Substring(text, start, end);
        PyObject *memo_line = PyDict_New();
        PyObject *item = (seg && memo_line)
            ? Py_BuildValue("(NnnnOOOOON)", seg, start, (Py_ssize_t)c0, (Py_ssize_t)c1, soft ? Py_True : Py_False,
                            PyTuple_GET_ITEM(geom, 0), PyTuple_GET_ITEM(geom, 1), PyTuple_GET_ITEM(geom, 2),
                            bold ? Py_True : Py_False, memo_line)
            : NULL;
        if (!item) {
            if (!seg || !memo_line) {
                Py_XDECREF(seg);
                Py_XDECREF(memo_line);
            }
            Py_DECREF(geom);
            goto fail;
        }
        Py_DECREF(geom);
        int rc = PyList_Append(out, item);
        Py_DECREF(item);
        if (rc < 0) goto fail;
    }
    return out;
fail:
    Py_DECREF(out);
    return NULL;
}

/* The text index of the first visible char of c0..c1 right of x, or -1: _PdfiumReader.split_at. */
static long long cut_at(void *tp, int c0, int c1, double x, double left, int aligned) {
    long long lo = c0, hi = (long long)c1 + 1;
    while (lo < hi) {
        long long mid = (lo + hi) / 2; /* lo, hi >= 0: floor division */
        double l, r, b, t, cx;
        if (api.get_char_box(tp, (int)mid, &l, &r, &b, &t))
            cx = (l + r) / 2 - left;
        else
            cx = x - 1; /* no box (generated char): left of the cut */
        if (cx >= x)
            hi = mid;
        else
            lo = mid + 1;
    }
    long long c = lo;
    while (c <= c1) {
        unsigned int u = api.get_unicode(tp, (int)c);
        if (u != 32 && u != 0xA0 && u != 13 && u != 10) break;
        c++;
    }
    if (c > c1) return -1;
    long long ti = aligned ? c : api.text_index(tp, (int)c);
    return ti >= 0 ? ti : -1;
}

/* Python's min/max over a run of doubles: the first unless a later one is smaller/larger. */
static double run_min(const double *v, Py_ssize_t a, Py_ssize_t b) {
    double m = v[a];
    for (Py_ssize_t k = a + 1; k < b; k++) m = v[k] < m ? v[k] : m;
    return m;
}
static double run_max(const double *v, Py_ssize_t a, Py_ssize_t b) {
    double m = v[a];
    for (Py_ssize_t k = a + 1; k < b; k++) m = v[k] > m ? v[k] : m;
    return m;
}

/* segment(textpage, rects, size, base, c0, c1, start, n, aligned, left, borders, gaps)
     -> (bottom, top, x0, x1, spans | None, marker_ok, marker_cut)
   _PdfiumReader.segment up to the strings, for an upright page: gaps between rects wider than a word
   space are cuts when wider than a cell gap, when a table border (borders: packed x, y0, y1 doubles)
   stands in them, or after a narrow first rect (a list marker); wide gaps go to `gaps`; each cut is
   found in the text by cut_at. spans: (text start, text end, left, right) of each run, None for no cut. */
static PyObject *native_segment(PyObject *self, PyObject *args) {
    unsigned long long tp_addr;
    PyObject *rects_obj, *gaps;
    double size, base, left;
    int c0, c1, aligned;
    Py_ssize_t start, n;
    Py_buffer borders;
    if (!PyArg_ParseTuple(args, "KO!ddiinnpdy*O!", &tp_addr, &PyList_Type, &rects_obj, &size, &base, &c0, &c1, &start,
                          &n, &aligned, &left, &borders, &PyList_Type, &gaps))
        return NULL;
    if (not_ready()) {
        PyBuffer_Release(&borders);
        return NULL;
    }
    void *tp = (void *)(uintptr_t)tp_addr;
    Py_ssize_t nr = PyList_GET_SIZE(rects_obj);
    const double *bv = (const double *)borders.buf;
    Py_ssize_t nb = borders.len / (Py_ssize_t)(3 * sizeof(double));
    PyObject *result = NULL;
    double *v = PyMem_Malloc((size_t)(nr > 0 ? nr : 1) * 4 * sizeof(double));
    Py_ssize_t *cut_k = PyMem_Malloc((size_t)(nr > 0 ? nr : 1) * sizeof(Py_ssize_t));
    double *cut_x = PyMem_Malloc((size_t)(nr > 0 ? nr : 1) * sizeof(double));
    if (!v || !cut_k || !cut_x) {
        PyErr_NoMemory();
        goto done;
    }
    double *L = v, *B = v + nr, *R = v + 2 * nr, *T = v + 3 * nr;
    for (Py_ssize_t k = 0; k < nr; k++) {
        PyObject *r = PyList_GET_ITEM(rects_obj, k);
        if (!PyTuple_Check(r) || PyTuple_GET_SIZE(r) != 4) {
            PyErr_SetString(PyExc_TypeError, "rects: 4-tuples");
            goto done;
        }
        L[k] = PyFloat_AsDouble(PyTuple_GET_ITEM(r, 0));
        B[k] = PyFloat_AsDouble(PyTuple_GET_ITEM(r, 1));
        R[k] = PyFloat_AsDouble(PyTuple_GET_ITEM(r, 2));
        T[k] = PyFloat_AsDouble(PyTuple_GET_ITEM(r, 3));
        if (PyErr_Occurred()) goto done;
    }
    if (nr < 1) {
        PyErr_SetString(PyExc_ValueError, "no rects");
        goto done;
    }
    double big = 1.2 * size, word_space = 0.15 * size, wide = 0.45 * size, marker_gap = 0.3 * size;
    int narrow_first = R[0] - L[0] <= 2.5 * size;
    int marker_cut = 0, first_crosses = 0;
    Py_ssize_t ncuts = 0;
    for (Py_ssize_t k = 1; k < nr; k++) {
        double gap = L[k] - R[k - 1];
        if (gap < word_space) continue;
        if (gap >= wide && (k > 1 || !narrow_first)) {
            if (append3(gaps, R[k - 1], L[k], base) < 0) goto done;
        }
        int crosses = 0;
        if (nb > 0) {
            double mid_y = (B[k] + T[k]) / 2;
            for (Py_ssize_t j = 0; j < nb && !crosses; j++) {
                double x = bv[3 * j], y0 = bv[3 * j + 1], y1 = bv[3 * j + 2];
                crosses = R[k - 1] - 1 <= x && x <= L[k] + 1 && y0 <= mid_y && mid_y <= y1;
            }
        }
        if (gap >= big || crosses) {
            cut_k[ncuts] = k;
            cut_x[ncuts++] = (R[k - 1] + L[k]) / 2;
            first_crosses = first_crosses || (crosses && k == 1);
        } else if (k == 1 && narrow_first && gap >= marker_gap) {
            cut_k[ncuts] = k;
            cut_x[ncuts++] = (R[k - 1] + L[k]) / 2;
            marker_cut = 1;
        }
    }
    double bottom = run_min(B, 0, nr), top = run_max(T, 0, nr);
    if (ncuts == 0) {
        result = Py_BuildValue("(ddddOOO)", bottom, top, L[0], run_max(R, 0, nr), Py_None, Py_False,
                               Py_False);
        goto done;
    }
    /* bnd: text offsets in the line where runs start; firsts: rect index where runs start */
    Py_ssize_t *firsts = PyMem_Malloc((size_t)(ncuts + 2) * sizeof(Py_ssize_t));
    Py_ssize_t *bnd = PyMem_Malloc((size_t)(ncuts + 2) * sizeof(Py_ssize_t));
    if (!firsts || !bnd) {
        PyMem_Free(firsts);
        PyMem_Free(bnd);
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t nbnd = 1;
    bnd[0] = 0;
    firsts[0] = 0;
    for (Py_ssize_t i = 0; i < ncuts; i++) {
        long long ti = cut_at(tp, c0, c1, cut_x[i], left, aligned);
        if (ti >= 0 && bnd[nbnd - 1] < ti - start && ti - start < n) {
            bnd[nbnd] = (Py_ssize_t)(ti - start);
            firsts[nbnd++] = cut_k[i];
        } else if (cut_k[i] == 1) {
            marker_cut = 0;
        }
    }
    bnd[nbnd] = n;
    firsts[nbnd] = nr;
    PyObject *spans = PyList_New(nbnd);
    if (!spans) {
        PyMem_Free(firsts);
        PyMem_Free(bnd);
        goto done;
    }
    double p0_right = 0, p1_left = 0;
    for (Py_ssize_t r = 0; r < nbnd; r++) { /* firsts rise strictly: no empty run */
        double lo = run_min(L, firsts[r], firsts[r + 1]), hi = run_max(R, firsts[r], firsts[r + 1]);
        if (r == 0) p0_right = hi;
        if (r == 1) p1_left = lo;
        PyObject *t = Py_BuildValue("(nndd)", bnd[r], bnd[r + 1], lo, hi);
        if (!t) {
            Py_DECREF(spans);
            PyMem_Free(firsts);
            PyMem_Free(bnd);
            goto done;
        }
        PyList_SET_ITEM(spans, r, t);
    }
    int marker_ok = marker_cut || (!first_crosses && nbnd > 1 && p1_left - p0_right <= 3 * size);
    result = Py_BuildValue("(ddddNOO)", bottom, top, L[0], 0.0, spans, marker_ok ? Py_True : Py_False,
                           marker_cut ? Py_True : Py_False);
    PyMem_Free(firsts);
    PyMem_Free(bnd);
done:
    PyMem_Free(v);
    PyMem_Free(cut_k);
    PyMem_Free(cut_x);
    PyBuffer_Release(&borders);
    return result;
}

/* Python's min/max of two: the first unless the second is smaller/larger (NaN as Python has it). */
static double pmin(double a, double b) { return b < a ? b : a; }
static double pmax(double a, double b) { return b > a ? b : a; }

typedef struct {
    double left, bottom, w, h;
    int rot;
} xform;

static void point(const xform *xf, double x, double y, double *ox, double *oy) {
    x -= xf->left;
    y -= xf->bottom;
    if (xf->rot == 90) { *ox = y; *oy = xf->w - x; }
    else if (xf->rot == 180) { *ox = xf->w - x; *oy = xf->h - y; }
    else if (xf->rot == 270) { *ox = xf->h - y; *oy = x; }
    else { *ox = x; *oy = y; }
}

/* geometry._add_rule: thin paths are rules, boxes give their four edges. */
static int add_rule(double x0, double y0, double x1, double y1, PyObject *hr, PyObject *vr, double area) {
    double w = x1 - x0, h = y1 - y0;
    if (h <= 3 && w >= 6) return append3(hr, x0, x1, (y0 + y1) / 2);
    if (w <= 3 && h >= 6) return append3(vr, (x0 + x1) / 2, y0, y1);
    if (w > 3 && h > 3 && w * h < area) {
        if (append3(hr, x0, x1, y0) < 0 || append3(hr, x0, x1, y1) < 0) return -1;
        if (append3(vr, x0, y0, y1) < 0 || append3(vr, x1, y0, y1) < 0) return -1;
    }
    return 0;
}

typedef struct {
    void *container; /* NULL: the page */
    long long count;
    int has_m;
    double m[6];
    int depth;
} todo_item;

#define MAX_OBJECTS 4000
#define PAGEOBJ_TEXT 1
#define PAGEOBJ_PATH 2
#define PAGEOBJ_FORM 5

/* objects(page, left, bottom, w, h, rot) -> (drawn, hrules, vrules): _PdfiumReader.objects - path
   objects (forms to depth 3, at most 4000 objects looked at) as ruling lines in upright page space. */
static PyObject *native_objects(PyObject *self, PyObject *args) {
    unsigned long long page_addr;
    xform xf;
    if (!PyArg_ParseTuple(args, "Kddddi", &page_addr, &xf.left, &xf.bottom, &xf.w, &xf.h, &xf.rot)) return NULL;
    if (not_ready()) return NULL;
    void *page = (void *)(uintptr_t)page_addr;
    PyObject *hr = PyList_New(0), *vr = PyList_New(0);
    if (!hr || !vr) goto fail;
    long long n = api.page_count_objects(page);
    int drawn = 0;
    if (n <= 0) return Py_BuildValue("(ONN)", Py_False, hr, vr);
    double area = 0.8 * xf.w * xf.h;
    int upright = xf.rot == 0;
    long long budget = MAX_OBJECTS;
    /* a stack as the Python list: each form pushes one item, at most MAX_OBJECTS of them */
    Py_ssize_t cap = 16, top = 0;
    todo_item *todo = PyMem_Malloc(cap * sizeof(todo_item));
    if (!todo) { PyErr_NoMemory(); goto fail; }
    todo[top++] = (todo_item){NULL, n, 0, {0}, 0};
    while (top > 0 && budget > 0) {
        todo_item it = todo[--top];
        long long take = it.count < budget ? it.count : budget;
        for (long long i = 0; i < take; i++) {
            void *obj = it.container ? api.form_object(it.container, (unsigned long)i) : api.page_object(page, (int)i);
            int kind = api.obj_type(obj);
            if (kind == PAGEOBJ_TEXT) continue;
            if (kind == PAGEOBJ_PATH) {
                float f[4];
                drawn = 1;
                if (!api.obj_bounds(obj, &f[0], &f[1], &f[2], &f[3])) continue;
                double b0 = f[0], b1 = f[1], b2 = f[2], b3 = f[3];
                if (!it.has_m && upright) {
                    if (add_rule(b0 - xf.left, b1 - xf.bottom, b2 - xf.left, b3 - xf.bottom, hr, vr, area) < 0) {
                        PyMem_Free(todo);
                        goto fail;
                    }
                    continue;
                }
                if (it.has_m) { /* geometry._apply_matrix */
                    const double *m = it.m;
                    double px[4] = {b0, b2, b0, b2}, py[4] = {b1, b3, b3, b1}, xs[4], ys[4];
                    for (int k = 0; k < 4; k++) {
                        xs[k] = m[0] * px[k] + m[2] * py[k] + m[4];
                        ys[k] = m[1] * px[k] + m[3] * py[k] + m[5];
                    }
                    double x0 = xs[0], y0 = ys[0], x1 = xs[0], y1 = ys[0];
                    for (int k = 1; k < 4; k++) {
                        x0 = pmin(x0, xs[k]);
                        y0 = pmin(y0, ys[k]);
                        x1 = pmax(x1, xs[k]);
                        y1 = pmax(y1, ys[k]);
                    }
                    b0 = x0; b1 = y0; b2 = x1; b3 = y1;
                }
                double x0, y0, x1, y1;
                if (upright) {
                    x0 = b0 - xf.left; y0 = b1 - xf.bottom; x1 = b2 - xf.left; y1 = b3 - xf.bottom;
                } else { /* _Transform.box */
                    double ax, ay, bx, by;
                    point(&xf, b0, b1, &ax, &ay);
                    point(&xf, b2, b3, &bx, &by);
                    x0 = pmin(ax, bx); y0 = pmin(ay, by); x1 = pmax(ax, bx); y1 = pmax(ay, by);
                }
                if (add_rule(x0, y0, x1, y1, hr, vr, area) < 0) {
                    PyMem_Free(todo);
                    goto fail;
                }
            } else if (kind == PAGEOBJ_FORM) {
                if (it.depth < 3) {
                    double own[6] = {1.0, 0.0, 0.0, 1.0, 0.0, 0.0};
                    FS_MATRIX fm;
                    if (api.obj_matrix(obj, &fm)) {
                        own[0] = fm.a; own[1] = fm.b; own[2] = fm.c; own[3] = fm.d; own[4] = fm.e; own[5] = fm.f;
                    }
                    todo_item next = {obj, api.form_count_objects(obj), 1, {0}, it.depth + 1};
                    if (!it.has_m) {
                        memcpy(next.m, own, sizeof own);
                    } else { /* geometry._compose(own, m) */
                        const double *o = it.m;
                        next.m[0] = own[0] * o[0] + own[1] * o[2];
                        next.m[1] = own[0] * o[1] + own[1] * o[3];
                        next.m[2] = own[2] * o[0] + own[3] * o[2];
                        next.m[3] = own[2] * o[1] + own[3] * o[3];
                        next.m[4] = own[4] * o[0] + own[5] * o[2] + o[4];
                        next.m[5] = own[4] * o[1] + own[5] * o[3] + o[5];
                    }
                    if (top == cap) {
                        cap *= 2;
                        todo_item *grown = PyMem_Realloc(todo, cap * sizeof(todo_item));
                        if (!grown) { PyMem_Free(todo); PyErr_NoMemory(); goto fail; }
                        todo = grown;
                    }
                    todo[top++] = next;
                }
            } else { /* images, shadings */
                drawn = 1;
            }
        }
        budget -= it.count;
    }
    PyMem_Free(todo);
    return Py_BuildValue("(ONN)", drawn ? Py_True : Py_False, hr, vr);
fail:
    Py_XDECREF(hr);
    Py_XDECREF(vr);
    return NULL;
}

static PyMethodDef methods[] = {
    {"init", native_init, METH_VARARGS, "Addresses of the PDFium functions, in the order pdfium.py lists them."},
    {"page_lines", native_page_lines, METH_VARARGS, "Every text line of an upright page with its geometry."},
    {"segment", native_segment, METH_VARARGS, "Runs of a line of several rects (upright page)."},
    {"objects", native_objects, METH_VARARGS, "(drawn, horizontal rules, vertical rules) of a page."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_native", NULL, -1, methods};

PyMODINIT_FUNC PyInit__native(void) {
    PyObject *m = PyModule_Create(&module);
    if (m && PyModule_AddIntConstant(m, "ABI", NATIVE_ABI) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
