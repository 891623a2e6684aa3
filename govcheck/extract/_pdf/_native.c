/* Optional compiled helpers for the pdfium reader (govcheck/extract/_pdf/pdfium.py).

   Why: per text line the reader makes 5-10 PDFium calls (rects, font size, matrix) and per cut of a
   line a binary search over char boxes; per page it may walk thousands of page objects for ruling
   lines (and then finds the table grids they draw). Through ctypes each call costs more than PDFium's
   own work, plus the Python around it. These functions do the same calls and the same double arithmetic, in the same order, and return the same
   Python objects as the Python code they stand in for, which stays as the fallback (no compiler, or
   GOVCHECK_PURE_PYTHON=1) and as the reference: tests/test_pdf_native.py compares both on every PDF of
   the corpus, byte for byte.

   PDFium is not linked: pdfium.py passes the addresses of the functions pypdfium2 already loaded
   (init), so this file needs only Python's headers and a C compiler. Rotated pages are left to Python.
   Built by hatch_build.py at install time; compiled with -ffp-contract=off so that a*x + c*y + e is
   rounded twice, as Python rounds it. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <math.h>

#define NATIVE_ABI 7

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

static int append3(PyObject *list, double a, double b, double c) {
    PyObject *t = Py_BuildValue("(ddd)", a, b, c);
    if (!t) return -1;
    int rc = PyList_Append(list, t);
    Py_DECREF(t);
    return rc;
}

/* A growable array of doubles (PyMem). */
typedef struct {
    double *v;
    Py_ssize_t n, cap;
} dbuf_t;

/* Room for k more values: the capacity doubles, from `first` (k is at most 4, `first` at least 48). */
static int dbuf_reserve(dbuf_t *d, Py_ssize_t k, Py_ssize_t first) {
    if (d->n + k > d->cap) {
        Py_ssize_t cap = d->cap ? 2 * d->cap : first;
        double *v = PyMem_Realloc(d->v, (size_t)cap * sizeof(double));
        if (!v) {
            PyErr_NoMemory();
            return -1;
        }
        d->v = v;
        d->cap = cap;
    }
    return 0;
}

static int dbuf_push4(dbuf_t *d, double a, double b, double c, double e) {
    if (dbuf_reserve(d, 4, 64) < 0)
        return -1;
    d->v[d->n++] = a;
    d->v[d->n++] = b;
    d->v[d->n++] = c;
    d->v[d->n++] = e;
    return 0;
}

static int dbuf_push3(dbuf_t *d, double a, double b, double c) {
    if (dbuf_reserve(d, 3, 48) < 0)
        return -1;
    d->v[d->n++] = a;
    d->v[d->n++] = b;
    d->v[d->n++] = c;
    return 0;
}

/* The rects of chars c0..c1 of an upright page into d (x0, y0, x1, y1 each; d->n = 4 x their count),
   moved by (-dx, -dy), empty ones dropped; then, when there is one, the font size of char rep times
   sqrt|det| of its matrix (1.0 where that is 0), a size outside (0, 500) replaced by the first rect's
   height (at least 1.0); the baseline from the matrix when it is unrotated, else from the char origin,
   else the first rect's bottom. _PdfiumReader.line_geometry, upright branch. 0 when no rect has an
   extent, 1 with *size and *base set, -1 on error. */
static int line_geometry(void *tp, int c0, int c1, int rep, double dx, double dy, dbuf_t *d, double *size_out,
                         double *base_out) {
    int n = api.count_rects(tp, c0, c1 - c0 + 1);
    d->n = 0;
    for (int k = 0; k < n; k++) {
        double left, top, right, bottom;
        if (api.get_rect(tp, k, &left, &top, &right, &bottom)) {
            double x0 = left - dx, y0 = bottom - dy, x1 = right - dx, y1 = top - dy;
            if ((x1 > x0 || y1 > y0) && dbuf_push4(d, x0, y0, x1, y1) < 0) return -1;
        }
    }
    if (d->n == 0) return 0;
    double first_y0 = d->v[1], first_y1 = d->v[3];
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
    *size_out = size;
    *base_out = base;
    return 1;
}

/* The rects in d as a bytes object of doubles laid out column by column: every x0, every y0, every
   x1, every y1 (what native_lines reads as L, B, R, T). */
static PyObject *rects_bytes(const dbuf_t *d) {
    Py_ssize_t nr = d->n / 4;
    PyObject *out = PyBytes_FromStringAndSize(NULL, d->n * (Py_ssize_t)sizeof(double));
    if (!out) return NULL;
    double *w = (double *)PyBytes_AS_STRING(out);
    for (Py_ssize_t k = 0; k < nr; k++)
        for (int j = 0; j < 4; j++) w[j * nr + k] = d->v[4 * k + j];
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
   geometries, for an upright page: _PdfiumReader.geometry, with the rects packed as rects_bytes packs
   them and no memo of char boxes (native_lines takes these tuples; nothing else reads them). The text is cut where the segment regex
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
    dbuf_t rects = {NULL, 0, 0};
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
        double size, base;
        int got = line_geometry(tp, c0, c1, rep, dx, dy, &rects, &size, &base);
        if (got < 0) goto fail;
        if (got == 0) continue; /* no rect with an extent */
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
        if (bold < 0) goto fail;
        PyObject *seg = PyUnicode_Substring(text, start, end);
        PyObject *packed = seg ? rects_bytes(&rects) : NULL;
        PyObject *item = packed ? Py_BuildValue("(NnnnONddO)", seg, start, (Py_ssize_t)c0, (Py_ssize_t)c1,
                                                soft ? Py_True : Py_False, packed, size, base,
                                                bold ? Py_True : Py_False)
                                : NULL;
        if (!item) {
            if (!packed) Py_XDECREF(seg);
            goto fail;
        }
        int rc = PyList_Append(out, item);
        Py_DECREF(item);
        if (rc < 0) goto fail;
    }
    PyMem_Free(rects.v);
    return out;
fail:
    PyMem_Free(rects.v);
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

/* One run of a segmented line: text offsets [g0, g1) in the line, x extent [lo, hi]. */
typedef struct {
    Py_ssize_t g0, g1;
    double lo, hi;
} span_t;

/* _PdfiumReader.segment up to the strings, for an upright page: gaps between rects wider than a word
   space are cuts when wider than a cell gap, when a table border (bv: nb packed x, y0, y1 triples)
   stands in them, or after a narrow first rect (a list marker); wide gaps go to `gaps`; each cut is
   found in the text by cut_at. L, B, R, T: the line's nr >= 1 rects. Sets *bottom, *top, *x1 (the
   rightmost end when there is no cut) and *nspans: 0 for no cut, else the runs in spans (room for nr)
   with *marker_ok and *marker_cut as _make_line takes them. cut_k, cut_x, firsts: scratch room for nr.
   -1 on error. */
static int segment_core(void *tp, const double *L, const double *B, const double *R, const double *T,
                        Py_ssize_t nr, double size, double base, int c0, int c1, Py_ssize_t start, Py_ssize_t n,
                        int aligned, double left, const double *bv, Py_ssize_t nb, PyObject *gaps,
                        Py_ssize_t *cut_k, double *cut_x, Py_ssize_t *firsts, double *bottom, double *top, double *x1,
                        span_t *spans, Py_ssize_t *nspans, int *marker_ok_out, int *marker_cut_out) {
    double big = 1.2 * size, word_space = 0.15 * size, wide = 0.45 * size, marker_gap = 0.3 * size;
    int narrow_first = R[0] - L[0] <= 2.5 * size;
    int marker_cut = 0, first_crosses = 0;
    Py_ssize_t ncuts = 0;
    for (Py_ssize_t k = 1; k < nr; k++) {
        double gap = L[k] - R[k - 1];
        if (gap < word_space) continue;
        if (gap >= wide && (k > 1 || !narrow_first)) {
            if (append3(gaps, R[k - 1], L[k], base) < 0) return -1;
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
    *bottom = run_min(B, 0, nr);
    *top = run_max(T, 0, nr);
    *x1 = run_max(R, 0, nr);
    *nspans = 0;
    *marker_ok_out = *marker_cut_out = 0;
    if (ncuts == 0) return 0;
    /* runs start at text offset spans[r].g0 and at rect index firsts[r] */
    Py_ssize_t nbnd = 1, prev_bnd = 0;
    spans[0].g0 = 0;
    firsts[0] = 0;
    for (Py_ssize_t i = 0; i < ncuts; i++) {
        Py_ssize_t k = cut_k[i];
        long long ti = cut_at(tp, c0, c1, cut_x[i], left, aligned);
        if (ti >= 0 && prev_bnd < ti - start && ti - start < n) {
            prev_bnd = spans[nbnd].g0 = (Py_ssize_t)(ti - start);
            firsts[nbnd++] = k;
        } else if (k == 1) {
            marker_cut = 0;
        }
    }
    double p0_right = 0, p1_left = 0;
    for (Py_ssize_t r = 0; r < nbnd; r++) { /* firsts rise strictly: no empty run */
        Py_ssize_t f0 = firsts[r], f1 = r + 1 < nbnd ? firsts[r + 1] : nr;
        spans[r].g1 = r + 1 < nbnd ? spans[r + 1].g0 : n;
        spans[r].lo = run_min(L, f0, f1);
        spans[r].hi = run_max(R, f0, f1);
        if (r == 0) p0_right = spans[r].hi;
        if (r == 1) p1_left = spans[r].lo;
    }
    *nspans = nbnd;
    *marker_ok_out = marker_cut || (!first_crosses && nbnd > 1 && p1_left - p0_right <= 3 * size);
    *marker_cut_out = marker_cut;
    return 0;
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

/* geometry._add_rule: thin paths are rules, boxes give their four edges. A rule is three doubles in
   hr (x0, x1, y) or vr (x, y0, y1), in the order Python appends its tuples. */
static int add_rule(double x0, double y0, double x1, double y1, dbuf_t *hr, dbuf_t *vr, double area) {
    double w = x1 - x0, h = y1 - y0;
    if (h <= 3 && w >= 6) return dbuf_push3(hr, x0, x1, (y0 + y1) / 2);
    if (w <= 3 && h >= 6) return dbuf_push3(vr, (x0 + x1) / 2, y0, y1);
    if (w > 3 && h > 3 && w * h < area) {
        if (dbuf_push3(hr, x0, x1, y0) < 0 || dbuf_push3(hr, x0, x1, y1) < 0) return -1;
        if (dbuf_push3(vr, x0, y0, y1) < 0 || dbuf_push3(vr, x1, y0, y1) < 0) return -1;
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

/* _PdfiumReader.objects' walk: path objects (forms to depth 3, at most 4000 objects looked at) as ruling
   lines in upright page space, into hr and vr. Returns 1 when the page has drawn content, 0 when not,
   -1 on error. */
static int walk_objects(void *page, const xform *xfp, dbuf_t *hr, dbuf_t *vr) {
    xform xf = *xfp;
    long long n = api.page_count_objects(page);
    int drawn = 0;
    if (n <= 0) return 0;
    double area = 0.8 * xf.w * xf.h;
    int upright = xf.rot == 0;
    long long budget = MAX_OBJECTS;
    /* a stack as the Python list: each form pushes one item, at most MAX_OBJECTS of them */
    Py_ssize_t cap = 16, top = 0;
    todo_item *todo = PyMem_Malloc(cap * sizeof(todo_item));
    if (!todo) {
        PyErr_NoMemory();
        return -1;
    }
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
                        return -1;
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
                    return -1;
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
                        if (!grown) {
                            PyMem_Free(todo);
                            PyErr_NoMemory();
                            return -1;
                        }
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
    return drawn;
}

/* Rules (triples of doubles) as the Python list of 3-tuples of floats the walk used to build. */
static PyObject *rules_list(const dbuf_t *d) {
    Py_ssize_t n = d->n / 3;
    PyObject *out = PyList_New(n);
    if (!out) return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *t = Py_BuildValue("(ddd)", d->v[3 * i], d->v[3 * i + 1], d->v[3 * i + 2]);
        if (!t) {
            Py_DECREF(out);
            return NULL;
        }
        PyList_SET_ITEM(out, i, t);
    }
    return out;
}

/* objects(page, left, bottom, w, h, rot) -> (drawn, hrules, vrules): _PdfiumReader.objects. */
static PyObject *native_objects(PyObject *self, PyObject *args) {
    unsigned long long page_addr;
    xform xf;
    if (!PyArg_ParseTuple(args, "Kddddi", &page_addr, &xf.left, &xf.bottom, &xf.w, &xf.h, &xf.rot)) return NULL;
    if (not_ready()) return NULL;
    dbuf_t hr = {0}, vr = {0};
    PyObject *result = NULL, *hl = NULL, *vl = NULL;
    int drawn = walk_objects((void *)(uintptr_t)page_addr, &xf, &hr, &vr);
    if (drawn < 0) goto done;
    hl = rules_list(&hr);
    vl = rules_list(&vr);
    if (hl && vl) result = Py_BuildValue("(OOO)", drawn ? Py_True : Py_False, hl, vl);
done:
    Py_XDECREF(hl);
    Py_XDECREF(vl);
    PyMem_Free(hr.v);
    PyMem_Free(vr.v);
    return result;
}

/* ---- Table grids from ruling lines: geometry._grids and geometry._merge_hrules ----

   Why: three pages in four of the sample have column-like gaps, so their objects are walked; the walk
   found ~185,000 rules, each made a tuple of three floats only for _grids to sort and scan them in
   Python. Here the rules stay doubles and the grids are found as _grids finds them: every sort is
   stable (ties keep their first order, as Python's sort does; so do 0.0 and -0.0, which compare equal),
   min and max are Python's (the first unless the second is smaller / larger), and the same comparisons
   and differences are made in the same order. A rule that is not finite makes native_page_grids hand
   back None, and the Python code judges the page. */

typedef struct {
    const double *v; /* a rule's three doubles */
    Py_ssize_t at;   /* its index in the walk's order: the tie-break that makes qsort stable */
} rule_ref;

static int by_key_then_at(double a, double b, Py_ssize_t ia, Py_ssize_t ib) {
    if (a < b) return -1;
    if (b < a) return 1;
    return ia < ib ? -1 : ia > ib;
}

/* sorted(vrules, key=lambda v: -v[2]) */
static int cmp_v_top_down(const void *pa, const void *pb) {
    const rule_ref *a = pa, *b = pb;
    return by_key_then_at(-a->v[2], -b->v[2], a->at, b->at);
}

/* sorted(hrules, key=lambda h: h[2]) */
static int cmp_h_y(const void *pa, const void *pb) {
    const rule_ref *a = pa, *b = pb;
    return by_key_then_at(a->v[2], b->v[2], a->at, b->at);
}

/* sorted(row): tuples compared element by element */
static int cmp_h_tuple(const void *pa, const void *pb) {
    const rule_ref *a = pa, *b = pb;
    for (int k = 0; k < 3; k++) {
        if (a->v[k] < b->v[k]) return -1;
        if (b->v[k] < a->v[k]) return 1;
    }
    return a->at < b->at ? -1 : a->at > b->at;
}

typedef struct {
    double x;
    Py_ssize_t at;
} num_ref;

static int cmp_num_up(const void *pa, const void *pb) {
    const num_ref *a = pa, *b = pb;
    return by_key_then_at(a->x, b->x, a->at, b->at);
}

/* sorted(..., reverse=True): descending, ties in their first order */
static int cmp_num_down(const void *pa, const void *pb) {
    const num_ref *a = pa, *b = pb;
    return by_key_then_at(b->x, a->x, a->at, b->at);
}

/* geometry._merge_hrules into spans (x0, x1, y triples); -1 on error. */
static int merge_hrules(const dbuf_t *hr, dbuf_t *spans) {
    Py_ssize_t n = hr->n / 3;
    if (n == 0) return 0;
    rule_ref *refs = PyMem_Malloc((size_t)n * sizeof(rule_ref));
    if (!refs) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) refs[i] = (rule_ref){hr->v + 3 * i, i};
    qsort(refs, (size_t)n, sizeof(rule_ref), cmp_h_y);
    Py_ssize_t start = 0;
    while (start < n) {
        double y = refs[start].v[2];
        Py_ssize_t end = start + 1;
        while (end < n && refs[end].v[2] - y <= 1) end++;
        /* the row's rules keep their order in the y sort as the tie-break, as sorted(row) does */
        for (Py_ssize_t i = start; i < end; i++) refs[i].at = i;
        qsort(refs + start, (size_t)(end - start), sizeof(rule_ref), cmp_h_tuple);
        double c0 = refs[start].v[0], c1 = refs[start].v[1];
        for (Py_ssize_t i = start + 1; i < end; i++) {
            double x0 = refs[i].v[0], x1 = refs[i].v[1];
            if (x0 <= c1 + 2) {
                c1 = pmax(c1, x1);
            } else {
                if (dbuf_push3(spans, c0, c1, y) < 0) goto fail;
                c0 = x0;
                c1 = x1;
            }
        }
        if (dbuf_push3(spans, c0, c1, y) < 0) goto fail;
        start = end;
    }
    PyMem_Free(refs);
    return 0;
fail:
    PyMem_Free(refs);
    return -1;
}

static PyObject *float_list(const double *v, Py_ssize_t n) {
    PyObject *out = PyList_New(n);
    if (!out) return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *f = PyFloat_FromDouble(v[i]);
        if (!f) {
            Py_DECREF(out);
            return NULL;
        }
        PyList_SET_ITEM(out, i, f);
    }
    return out;
}

/* geometry._grids(hrules, vrules) -> [(column edges, row edges), ...]; NULL on error. */
static PyObject *grids_of(const dbuf_t *hr, const dbuf_t *vr) {
    PyObject *grids = PyList_New(0);
    Py_ssize_t nv = vr->n / 3;
    if (!grids || nv < 3) return grids;
    rule_ref *refs = PyMem_Malloc((size_t)nv * sizeof(rule_ref));
    num_ref *nums = PyMem_Malloc((size_t)(nv + 2) * sizeof(num_ref));
    double *xs = PyMem_Malloc((size_t)nv * sizeof(double));
    double *merged = PyMem_Malloc((size_t)(nv + 2) * sizeof(double));
    dbuf_t spans = {0};
    int have_spans = 0;
    if (!refs || !nums || !xs || !merged) {
        PyErr_NoMemory();
        goto fail;
    }
    for (Py_ssize_t i = 0; i < nv; i++) refs[i] = (rule_ref){vr->v + 3 * i, i};
    qsort(refs, (size_t)nv, sizeof(rule_ref), cmp_v_top_down);
    /* clusters: runs of refs[start:end] whose rules overlap in height; lo is the lowest bottom so far */
    Py_ssize_t start = 0;
    while (start < nv) {
        double lo = refs[start].v[1], hi = refs[start].v[2];
        Py_ssize_t end = start + 1;
        while (end < nv && refs[end].v[2] >= lo - 2) {
            lo = pmin(lo, refs[end].v[1]);
            end++;
        }
        Py_ssize_t k = end - start, nx = 0;
        for (Py_ssize_t i = 0; i < k; i++) nums[i] = (num_ref){refs[start + i].v[0], i};
        qsort(nums, (size_t)k, sizeof(num_ref), cmp_num_up);
        for (Py_ssize_t i = 0; i < k; i++) {
            if (nx == 0 || nums[i].x - xs[nx - 1] > 2) xs[nx++] = nums[i].x;
        }
        start = end;
        if (nx < 3 || nx > 40) continue;
        int close = 0;
        for (Py_ssize_t i = 1; i < nx; i++) {
            if (xs[i] - xs[i - 1] < 12) {
                close = 1;
                break;
            }
        }
        if (close) continue; /* brackets and root signs of formulas are thin paths too, but close together */
        double y0 = lo, y1 = hi, left = xs[0], right = xs[nx - 1];
        double width = right - left;
        if (!have_spans) {
            if (merge_hrules(hr, &spans) < 0) goto fail;
            have_spans = 1;
            /* room for every span's y and the cluster's two */
            PyMem_Free(nums);
            PyMem_Free(merged);
            merged = NULL;
            nums = PyMem_Malloc((size_t)(spans.n / 3 + nv + 2) * sizeof(num_ref));
            if (nums) merged = PyMem_Malloc((size_t)(spans.n / 3 + nv + 2) * sizeof(double));
            if (!nums || !merged) {
                PyErr_NoMemory();
                goto fail;
            }
        }
        Py_ssize_t ns = spans.n / 3, ny = 0, full = 0;
        for (Py_ssize_t i = 0; i < ns; i++) {
            double hx0 = spans.v[3 * i], hx1 = spans.v[3 * i + 1], y = spans.v[3 * i + 2];
            if (!(y0 - 2 <= y && y <= y1 + 2)) continue;
            if (pmin(hx1, right) - pmax(hx0, left) >= 0.5 * width) {
                nums[ny] = (num_ref){y, ny};
                ny++;
            }
            if (hx0 <= left + 3 && hx1 >= right - 3) full++;
        }
        if (full < 2) continue; /* a table is closed by rules across its full width at top and bottom */
        nums[ny] = (num_ref){y0, ny};
        nums[ny + 1] = (num_ref){y1, ny + 1};
        ny += 2;
        qsort(nums, (size_t)ny, sizeof(num_ref), cmp_num_down);
        Py_ssize_t nm = 0;
        for (Py_ssize_t i = 0; i < ny; i++) {
            if (nm == 0 || merged[nm - 1] - nums[i].x > 2) merged[nm++] = nums[i].x;
        }
        if (merged[0] - merged[nm - 1] >= 6) {
            PyObject *cols = float_list(xs, nx), *rows = cols ? float_list(merged, nm) : NULL;
            PyObject *grid = rows ? PyTuple_Pack(2, cols, rows) : NULL;
            Py_XDECREF(cols);
            Py_XDECREF(rows);
            if (!grid) goto fail;
            int rc = PyList_Append(grids, grid);
            Py_DECREF(grid);
            if (rc < 0) goto fail;
        }
    }
    PyMem_Free(refs);
    PyMem_Free(nums);
    PyMem_Free(xs);
    PyMem_Free(merged);
    PyMem_Free(spans.v);
    return grids;
fail:
    Py_XDECREF(grids);
    PyMem_Free(refs);
    PyMem_Free(nums);
    PyMem_Free(xs);
    PyMem_Free(merged);
    PyMem_Free(spans.v);
    return NULL;
}

static int all_finite(const dbuf_t *d) {
    for (Py_ssize_t i = 0; i < d->n; i++) {
        if (!isfinite(d->v[i])) return 0;
    }
    return 1;
}

/* page_grids(page, left, bottom, w, h, rot) -> (drawn, grids) as _PdfiumReader.objects then
   geometry._grids give them, the rules never made Python objects; (drawn, None) when a rule is not
   finite (Python's sort and comparisons are then left to judge). */
static PyObject *native_page_grids(PyObject *self, PyObject *args) {
    unsigned long long page_addr;
    xform xf;
    if (!PyArg_ParseTuple(args, "Kddddi", &page_addr, &xf.left, &xf.bottom, &xf.w, &xf.h, &xf.rot)) return NULL;
    if (not_ready()) return NULL;
    dbuf_t hr = {0}, vr = {0};
    PyObject *result = NULL;
    int drawn = walk_objects((void *)(uintptr_t)page_addr, &xf, &hr, &vr);
    if (drawn >= 0) {
        if (!all_finite(&hr) || !all_finite(&vr)) {
            result = Py_BuildValue("(OO)", drawn ? Py_True : Py_False, Py_None);
        } else {
            PyObject *grids = grids_of(&hr, &vr);
            if (grids) result = Py_BuildValue("(ON)", drawn ? Py_True : Py_False, grids);
        }
    }
    PyMem_Free(hr.v);
    PyMem_Free(vr.v);
    return result;
}

/* grids(hrules, vrules) -> geometry._grids of two lists of 3-tuples of floats, or None when a value is
   not finite (for tests: the same code as page_grids after its walk). */
static int rules_from_list(PyObject *list, dbuf_t *d) {
    if (!PyList_Check(list)) {
        PyErr_SetString(PyExc_TypeError, "a list of 3-tuples of floats");
        return -1;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(list); i++) {
        double a, b, c;
        if (!PyArg_ParseTuple(PyList_GET_ITEM(list, i), "ddd", &a, &b, &c)) return -1;
        if (dbuf_push3(d, a, b, c) < 0) return -1;
    }
    return 0;
}

static PyObject *native_grids(PyObject *self, PyObject *args) {
    PyObject *hl, *vl, *result = NULL;
    if (!PyArg_ParseTuple(args, "OO", &hl, &vl)) return NULL;
    dbuf_t hr = {0}, vr = {0};
    if (rules_from_list(hl, &hr) == 0 && rules_from_list(vl, &vr) == 0) {
        if (!all_finite(&hr) || !all_finite(&vr)) result = Py_NewRef(Py_None);
        else result = grids_of(&hr, &vr);
    }
    PyMem_Free(hr.v);
    PyMem_Free(vr.v);
    return result;
}

/* ---- Lines as _Line objects: lines._make_line, lines._single_line, lines._append_line, pdfium.lines ----

   Why: after the geometry, building the lines was most of what was left of the reader in Python (a
   dataclass __init__ per line and run, _clean/strip per piece, the merge of pieces on one baseline).
   The functions below do what those Python functions do, in the same order and with the same float
   arithmetic, and create the _Line objects directly: set_line_class() reads the offsets of the class's
   slots from its member descriptors, so a _Line is allocated by its own type and its slots are filled as
   __init__ fills them. lines.py stays the reference (GOVCHECK_PURE_PYTHON=1, rotated pages);
   tests/test_pdf_native.py compares both on every PDF and on made-up strings. What this file copies by
   hand from lines.py: _CTRL and _clean (clean_text), _ENUM (enum_match), the soft-hyphen marks
   (soft_text). The bullet sets are handed over by set_line_class. */

enum { F_TEXT, F_X0, F_X1, F_BOTTOM, F_TOP, F_BASE, F_SIZE, F_BOLD, F_XT, F_BULLET, F_SOFT, F_RUNS, N_FIELDS };
static const char *const field_names[N_FIELDS] = {"text", "x0", "x1", "bottom", "top", "base",
                                                  "size", "bold", "xt", "bullet", "soft", "runs"};
static Py_ssize_t field_off[N_FIELDS];
static PyTypeObject *line_type = NULL;
static Py_UCS4 *bullets = NULL, *weak_bullets = NULL;
static Py_ssize_t n_bullets = 0, n_weak_bullets = 0;

#define SLOT(o, f) (*(PyObject **)((char *)(o) + field_off[f]))

/* A set of one-character strings as an array of code points (PyMem); -1 on error. */
static int char_set(PyObject *set, Py_UCS4 **out, Py_ssize_t *n) {
    PyObject *fast = PySequence_Fast(set, "a collection of one-character strings");
    if (!fast) return -1;
    Py_ssize_t len = PySequence_Fast_GET_SIZE(fast);
    Py_UCS4 *chars = PyMem_Malloc((size_t)(len > 0 ? len : 1) * sizeof(Py_UCS4));
    if (!chars) {
        Py_DECREF(fast);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < len; i++) {
        PyObject *c = PySequence_Fast_GET_ITEM(fast, i);
        if (!PyUnicode_Check(c) || PyUnicode_GET_LENGTH(c) != 1) {
            PyMem_Free(chars);
            Py_DECREF(fast);
            PyErr_SetString(PyExc_TypeError, "one-character strings");
            return -1;
        }
        chars[i] = PyUnicode_READ_CHAR(c, 0);
    }
    Py_DECREF(fast);
    PyMem_Free(*out);
    *out = chars;
    *n = len;
    return 0;
}

static int in_chars(Py_UCS4 ch, const Py_UCS4 *set, Py_ssize_t n) {
    for (Py_ssize_t i = 0; i < n; i++)
        if (set[i] == ch) return 1;
    return 0;
}

/* Offsets of the writable object slots `names` of a slots class: each must be a writable object member
   descriptor of that very class, inside its instances, so that SLOT() may write there. */
static int slot_offsets(PyObject *cls, const char *const *names, int n, Py_ssize_t *offs) {
    PyTypeObject *type = (PyTypeObject *)cls;
    for (int i = 0; i < n; i++) {
        PyObject *d = PyObject_GetAttrString(cls, names[i]);
        if (!d) return -1;
        int ok = Py_IS_TYPE(d, &PyMemberDescr_Type);
        if (ok) {
            PyMemberDef *m = ((PyMemberDescrObject *)d)->d_member;
            ok = m->type == T_OBJECT_EX && !(m->flags & READONLY) && m->offset >= (Py_ssize_t)sizeof(PyObject) &&
                 m->offset + (Py_ssize_t)sizeof(PyObject *) <= type->tp_basicsize &&
                 ((PyMemberDescrObject *)d)->d_common.d_type == type;
            offs[i] = m->offset;
        }
        Py_DECREF(d);
        if (!ok) {
            PyErr_Format(PyExc_TypeError, "%s is not a writable object slot of the class", names[i]);
            return -1;
        }
    }
    if (!type->tp_alloc || type->tp_itemsize != 0) {
        PyErr_SetString(PyExc_TypeError, "not a plain slots class");
        return -1;
    }
    return 0;
}

/* set_line_class(cls, bullets, weak_bullets): the _Line class (a slots dataclass whose fields are the
   ones named in field_names, each a writable object slot) and lines._BULLETS, lines._WEAK_BULLETS. */
static PyObject *native_set_line_class(PyObject *self, PyObject *args) {
    PyObject *cls, *strong, *weak;
    if (!PyArg_ParseTuple(args, "O!OO", &PyType_Type, &cls, &strong, &weak)) return NULL;
    PyTypeObject *type = (PyTypeObject *)cls;
    Py_ssize_t offs[N_FIELDS];
    if (slot_offsets(cls, field_names, N_FIELDS, offs) < 0) return NULL;
    if (char_set(strong, &bullets, &n_bullets) < 0 || char_set(weak, &weak_bullets, &n_weak_bullets) < 0)
        return NULL;
    memcpy(field_off, offs, sizeof offs);
    Py_INCREF(cls);
    Py_XSETREF(line_type, type);
    Py_RETURN_NONE;
}

/* A new _Line with every slot set from vals (borrowed; a NULL runs means None). */
static PyObject *line_of(PyObject *const *vals) {
    PyObject *obj = line_type->tp_alloc(line_type, 0);
    if (!obj) return NULL;
    for (int i = 0; i < N_FIELDS; i++) SLOT(obj, i) = Py_NewRef(vals[i] ? vals[i] : Py_None);
    return obj;
}

/* _Line(text, x0, x1, bottom, top, base, size, bold, xt, bullet, soft), runs None. */
static PyObject *new_line(PyObject *text, double x0, double x1, double bottom, double top, double base, double size,
                          int bold, double xt, int bullet, int soft) {
    PyObject *vals[N_FIELDS] = {0};
    const double d[] = {x0, x1, bottom, top, base, size};
    int ok = 1;
    for (int i = 0; i < 6; i++) ok = ok && (vals[F_X0 + i] = PyFloat_FromDouble(d[i])) != NULL;
    ok = ok && (vals[F_XT] = PyFloat_FromDouble(xt)) != NULL;
    PyObject *obj = NULL;
    if (ok) {
        vals[F_TEXT] = text;
        vals[F_BOLD] = bold ? Py_True : Py_False;
        vals[F_BULLET] = bullet ? Py_True : Py_False;
        vals[F_SOFT] = soft ? Py_True : Py_False;
        obj = line_of(vals);
    }
    for (int i = F_X0; i <= F_SIZE; i++) Py_XDECREF(vals[i]);
    Py_XDECREF(vals[F_XT]);
    return obj;
}

/* str.strip / lstrip / rstrip (Python's whitespace): a new reference. */
static PyObject *strip_text(PyObject *s, int left, int right) {
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    Py_ssize_t a = 0, b = PyUnicode_GET_LENGTH(s);
    if (left)
        while (a < b && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, a))) a++;
    if (right)
        while (b > a && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, b - 1))) b--;
    return PyUnicode_Substring(s, a, b);
}

/* lines._CTRL: [\x00-\x08\x0b-\x1f\x7f\ufffe\uffff] */
static int is_ctrl(Py_UCS4 ch) {
    return ch <= 0x08 || (ch >= 0x0b && ch <= 0x1f) || ch == 0x7f || ch == 0xfffe || ch == 0xffff;
}

/* lines._clean: unchanged when printable, else CRLF, tab and LF become a space and _CTRL goes. */
static PyObject *clean_text(PyObject *s) {
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    Py_ssize_t n = PyUnicode_GET_LENGTH(s), i = 0;
    while (i < n) { /* str.isprintable(): ASCII is printable from space to tilde; the rest by table */
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        if (ch < 0x7f ? ch < 0x20 : !Py_UNICODE_ISPRINTABLE(ch)) break;
        i++;
    }
    if (i == n) return Py_NewRef(s);
    Py_UCS4 *buf = PyMem_Malloc((size_t)n * sizeof(Py_UCS4));
    if (!buf) return PyErr_NoMemory();
    Py_ssize_t j = 0;
    for (i = 0; i < n; i++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        if (ch == '\r' && i + 1 < n && PyUnicode_READ(kind, data, i + 1) == '\n') {
            buf[j++] = ' '; /* "\r\n" -> "\n" -> " " */
            i++;
        } else if (ch == '\t' || ch == '\n') {
            buf[j++] = ' ';
        } else if (!is_ctrl(ch)) {
            buf[j++] = ch;
        }
    }
    PyObject *out = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buf, j);
    PyMem_Free(buf);
    return out;
}

/* _clean(text).strip(): a new reference. */
static PyObject *clean_strip(PyObject *s) {
    PyObject *c = clean_text(s);
    if (!c) return NULL;
    PyObject *out = strip_text(c, 1, 1);
    Py_DECREF(c);
    return out;
}

/* The soft-hyphen ending of _make_line/_single_line: rstrip, drop one U+FFFE/U+00AD/U+0002, rstrip, "-". */
static PyObject *soft_text(PyObject *s) {
    PyObject *t = strip_text(s, 0, 1);
    if (!t) return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(t);
    if (n > 0) {
        Py_UCS4 last = PyUnicode_READ_CHAR(t, n - 1);
        if (last == 0xfffe || last == 0xad || last == 0x02) {
            PyObject *cut = PyUnicode_Substring(t, 0, n - 1);
            Py_DECREF(t);
            if (!cut) return NULL;
            t = cut;
        }
    }
    PyObject *r = strip_text(t, 0, 1);
    Py_DECREF(t);
    if (!r) return NULL;
    PyObject *out = PyUnicode_FromFormat("%U-", r);
    Py_DECREF(r);
    return out;
}

static int ascii_digit(Py_UCS4 ch) { return ch >= '0' && ch <= '9'; }
static int ascii_letter(Py_UCS4 ch) { return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'); }
static int roman(Py_UCS4 ch) { return ch == 'i' || ch == 'v' || ch == 'x' || ch == 'I' || ch == 'V' || ch == 'X'; }

/* s[i:n] is [0-9]{1,3}[.)] or [a-zA-Z][.)] or [ivxIVX]{1,4}[.)] */
static int enum_core(int kind, const void *data, Py_ssize_t i, Py_ssize_t n) {
    Py_ssize_t blen = n - i - 1;
    if (blen < 1) return 0;
    Py_UCS4 last = PyUnicode_READ(kind, data, n - 1);
    if (last != '.' && last != ')') return 0;
    int digits = blen <= 3, letter = blen == 1, romans = blen <= 4;
    for (Py_ssize_t k = i; k < n - 1; k++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, k);
        digits = digits && ascii_digit(ch);
        letter = letter && ascii_letter(ch);
        romans = romans && roman(ch);
    }
    return digits || letter || romans;
}

/* lines._ENUM.match on a whole stripped string: the three \(?...[.)] forms, or \d+(?:\.\d+)+\.?
   (\d as re has it on str: any decimal digit, Py_UNICODE_ISDECIMAL). */
static int enum_match(PyObject *s) {
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    if (n == 0) return 0;
    if (enum_core(kind, data, 0, n)) return 1;
    if (PyUnicode_READ(kind, data, 0) == '(' && enum_core(kind, data, 1, n)) return 1;
    Py_ssize_t k = 0, groups = 0;
    while (k < n && Py_UNICODE_ISDECIMAL(PyUnicode_READ(kind, data, k))) k++;
    if (k == 0) return 0;
    while (k < n && PyUnicode_READ(kind, data, k) == '.') {
        Py_ssize_t j = k + 1;
        while (j < n && Py_UNICODE_ISDECIMAL(PyUnicode_READ(kind, data, j))) j++;
        if (j == k + 1) break;
        groups++;
        k = j;
    }
    return groups > 0 && (k == n || (k == n - 1 && PyUnicode_READ(kind, data, k) == '.'));
}

/* lines._is_marker: -1 on error. */
static int is_marker(PyObject *text) {
    PyObject *t = strip_text(text, 1, 1);
    if (!t) return -1;
    Py_ssize_t n = PyUnicode_GET_LENGTH(t);
    int r = 0;
    if (n == 1) {
        Py_UCS4 ch = PyUnicode_READ_CHAR(t, 0);
        r = in_chars(ch, bullets, n_bullets) || in_chars(ch, weak_bullets, n_weak_bullets);
    }
    if (n > 0 && !r) r = enum_match(t);
    Py_DECREF(t);
    return r;
}

typedef struct {
    PyObject *t; /* owned */
    double a, b;
} piece_t;

static void drop_piece(piece_t *c, Py_ssize_t *nc, Py_ssize_t at) {
    Py_DECREF(c[at].t);
    memmove(c + at, c + at + 1, (size_t)(*nc - at - 1) * sizeof(piece_t));
    (*nc)--;
}

/* first + " " + second as cleaned[0], the second dropped: an enumerator kept as content. */
static int merge_first(piece_t *c, Py_ssize_t *nc) {
    PyObject *m = PyUnicode_FromFormat("%U %U", c[0].t, c[1].t);
    if (!m) return -1;
    Py_SETREF(c[0].t, m);
    c[0].b = c[1].b;
    drop_piece(c, nc, 1);
    return 0;
}

/* lines._make_line over pieces (texts[i], xa[i], xb[i]) (borrowed): a new _Line, or None. With one piece
   it is lines._single_line. c: scratch room for n pieces. */
static PyObject *make_line(PyObject *const *texts, const double *xa, const double *xb, Py_ssize_t n, piece_t *c,
                           double bottom, double top, double base, double size, int bold, int soft, int marker_ok,
                           int marker_cut) {
    PyObject *result = NULL;
    Py_ssize_t nc = 0;
    double x1 = 0.0; /* the rightmost end, taken as max() would */
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *t = (soft && i == n - 1) ? soft_text(texts[i]) : Py_NewRef(texts[i]);
        if (!t) goto done;
        PyObject *cs = clean_strip(t);
        Py_DECREF(t);
        if (!cs) goto done;
        if (PyUnicode_GET_LENGTH(cs) == 0) {
            Py_DECREF(cs);
            continue;
        }
        if (nc == 0 || xb[i] > x1) x1 = xb[i];
        c[nc++] = (piece_t){cs, xa[i], xb[i]};
    }
    if (nc == 0) {
        result = Py_NewRef(Py_None);
        goto done;
    }
    double x0 = c[0].a, xt = x0;
    int bullet = 0, mk = 0;
    if (nc >= 2 && marker_ok && (mk = is_marker(c[0].t)) != 0) {
        if (mk < 0) goto done;
        xt = c[1].a;
        if (PyUnicode_GET_LENGTH(c[0].t) == 1) { /* a bullet glyph: not part of the text */
            bullet = 1;
            drop_piece(c, &nc, 0);
        } else if (merge_first(c, &nc) < 0) { /* an enumerator: content, the text starts after it */
            goto done;
        }
    } else if (marker_cut && nc >= 2) { /* the gap after the first word was not a marker's after all */
        if (merge_first(c, &nc) < 0) goto done;
    }
    if (!bullet) {
        PyObject *f = c[0].t;
        Py_ssize_t len = PyUnicode_GET_LENGTH(f);
        if (in_chars(PyUnicode_READ_CHAR(f, 0), bullets, n_bullets) &&
            (len == 1 || Py_UNICODE_ISSPACE(PyUnicode_READ_CHAR(f, 1)))) {
            bullet = 1;
            PyObject *rest = PyUnicode_Substring(f, 1, len);
            PyObject *st = rest ? strip_text(rest, 1, 0) : NULL;
            Py_XDECREF(rest);
            if (!st) goto done;
            Py_SETREF(c[0].t, st);
            c[0].a = x0;
            if (PyUnicode_GET_LENGTH(st) == 0) {
                drop_piece(c, &nc, 0);
                if (nc == 0) { /* a bullet alone: the item's text follows as the next piece of this line */
                    PyObject *empty = PyUnicode_New(0, 0);
                    if (!empty) goto done;
                    result = new_line(empty, x0, x1, bottom, top, base, size, bold, x1, 1, 0);
                    Py_DECREF(empty);
                    goto done;
                }
            }
        }
    }
    if (nc == 1) {
        PyObject *text = strip_text(c[0].t, 1, 1);
        if (!text) goto done;
        result = PyUnicode_GET_LENGTH(text)
            ? new_line(text, x0, x1, bottom, top, base, size, bold, xt, bullet, soft)
            : Py_NewRef(Py_None);
        Py_DECREF(text);
        goto done;
    }
    PyObject *parts = PyList_New(nc);
    if (!parts) goto done;
    for (Py_ssize_t i = 0; i < nc; i++) PyList_SET_ITEM(parts, i, Py_NewRef(c[i].t));
    PyObject *space = PyUnicode_FromOrdinal(' ');
    PyObject *joined = space ? PyUnicode_Join(space, parts) : NULL;
    Py_XDECREF(space);
    Py_DECREF(parts);
    PyObject *text = joined ? strip_text(joined, 1, 1) : NULL;
    Py_XDECREF(joined);
    if (!text) goto done;
    if (PyUnicode_GET_LENGTH(text) == 0) {
        Py_DECREF(text);
        result = Py_NewRef(Py_None);
        goto done;
    }
    PyObject *line = new_line(text, x0, x1, bottom, top, base, size, bold, xt, bullet, soft);
    Py_DECREF(text);
    if (!line) goto done;
    /* The runs: cell fragments with the line's baseline and style (what `_part` makes). */
    PyObject *runs = PyList_New(nc);
    if (!runs) {
        Py_DECREF(line);
        goto done;
    }
    for (Py_ssize_t i = 0; i < nc; i++) {
        PyObject *run = new_line(c[i].t, c[i].a, c[i].b, bottom, top, base, size, bold, c[i].a, 0,
                                 i == nc - 1 && soft);
        if (!run) {
            Py_DECREF(runs);
            Py_DECREF(line);
            goto done;
        }
        PyList_SET_ITEM(runs, i, run);
    }
    Py_SETREF(SLOT(line, F_RUNS), runs);
    result = line;
done:
    for (Py_ssize_t i = 0; i < nc; i++) Py_DECREF(c[i].t);
    return result;
}

/* A float field of a _Line; -1 with an exception set when it is missing or not a number. */
static int slot_double(PyObject *o, int f, double *out) {
    PyObject *v = SLOT(o, f);
    if (!v) {
        PyErr_Format(PyExc_AttributeError, "_Line.%s is not set", field_names[f]);
        return -1;
    }
    if (PyFloat_CheckExact(v)) {
        *out = PyFloat_AS_DOUBLE(v);
        return 0;
    }
    *out = PyFloat_AsDouble(v);
    return (*out == -1.0 && PyErr_Occurred()) ? -1 : 0;
}

/* Truth of a field of a _Line; -1 on error. */
static int slot_true(PyObject *o, int f) {
    PyObject *v = SLOT(o, f);
    if (!v) {
        PyErr_Format(PyExc_AttributeError, "_Line.%s is not set", field_names[f]);
        return -1;
    }
    return PyObject_IsTrue(v);
}

static void set_slot(PyObject *o, int f, PyObject *v) { Py_XSETREF(SLOT(o, f), Py_NewRef(v)); }

/* _part(line, line.text, line.x0, line.x1): a cell fragment sharing the line's values. */
static PyObject *part_of(PyObject *line) {
    PyObject *vals[N_FIELDS] = {0};
    for (int i = F_TEXT; i <= F_BOLD; i++) {
        vals[i] = SLOT(line, i);
        if (!vals[i]) {
            PyErr_Format(PyExc_AttributeError, "_Line.%s is not set", field_names[i]);
            return NULL;
        }
    }
    vals[F_XT] = vals[F_X0];
    vals[F_BULLET] = vals[F_SOFT] = Py_False;
    return line_of(vals);
}

static int text_empty(PyObject *line) {
    PyObject *t = SLOT(line, F_TEXT);
    if (!t) {
        PyErr_SetString(PyExc_AttributeError, "_Line.text is not set");
        return -1;
    }
    return PyObject_Not(t);
}

/* lines._append_line(out, line): a piece on the same baseline right of the previous line continues it;
   a lone bullet waiting for its text lends it its bullet. -1 on error. */
static int append_line(PyObject *out, PyObject *line) {
    Py_ssize_t n = PyList_GET_SIZE(out);
    double pb, lb, ps, ls, px0, lx0;
    if (n > 0) {
        PyObject *prev = PyList_GET_ITEM(out, n - 1);
        int empty = text_empty(prev);
        if (empty < 0) return -1;
        if (empty) { /* a lone bullet glyph, waiting for its text */
            Py_INCREF(prev);
            if (PyList_SetSlice(out, n - 1, n, NULL) < 0) {
                Py_DECREF(prev);
                return -1;
            }
            n--;
            int rc = slot_double(prev, F_BASE, &pb) | slot_double(line, F_BASE, &lb) | slot_double(prev, F_SIZE, &ps) |
                     slot_double(line, F_SIZE, &ls) | slot_double(prev, F_X0, &px0) | slot_double(line, F_X0, &lx0);
            if (rc < 0) {
                Py_DECREF(prev);
                return -1;
            }
            if (fabs(pb - lb) <= 0.5 * pmax(ps, ls) && lx0 >= px0) {
                PyObject *old_x0 = Py_NewRef(SLOT(line, F_X0));
                set_slot(line, F_BULLET, Py_True);
                Py_XSETREF(SLOT(line, F_XT), old_x0);
                set_slot(line, F_X0, SLOT(prev, F_X0));
            }
            Py_DECREF(prev);
        }
    }
    int empty = text_empty(line);
    if (empty < 0) return -1;
    if (!empty && n > 0) {
        PyObject *prev = PyList_GET_ITEM(out, n - 1);
        double px1, lx1;
        int rc = slot_double(prev, F_BASE, &pb) | slot_double(line, F_BASE, &lb) | slot_double(prev, F_SIZE, &ps) |
                 slot_double(line, F_SIZE, &ls) | slot_double(prev, F_X1, &px1) | slot_double(line, F_X0, &lx0) |
                 slot_double(line, F_X1, &lx1);
        if (rc < 0) return -1;
        int same = fabs(pb - lb) <= 0.25 * pmin(ps, ls);
        int lbullet = same && lx0 >= px1 - 1 ? slot_true(line, F_BULLET) : 1;
        if (lbullet < 0) return -1;
        if (!lbullet) {
            double gap = lx0 - px1;
            PyObject *pruns = SLOT(prev, F_RUNS), *lruns = SLOT(line, F_RUNS);
            if (!pruns || !lruns) {
                PyErr_SetString(PyExc_AttributeError, "_Line.runs is not set");
                return -1;
            }
            if (!(gap < 1.2 * pmax(ps, ls) && pruns == Py_None && lruns == Py_None)) {
                int have = PyObject_IsTrue(pruns);
                if (have < 0) return -1;
                PyObject *runs = have ? Py_NewRef(pruns) : PyList_New(0);
                if (!runs) return -1;
                if (!have) {
                    PyObject *p = part_of(prev);
                    if (!p || PyList_Append(runs, p) < 0) {
                        Py_XDECREF(p);
                        Py_DECREF(runs);
                        return -1;
                    }
                    Py_DECREF(p);
                }
                int more = PyObject_IsTrue(lruns);
                if (more < 0) {
                    Py_DECREF(runs);
                    return -1;
                }
                PyObject *ext = more ? Py_NewRef(lruns) : NULL;
                if (!more) {
                    PyObject *p = part_of(line);
                    ext = p ? PyList_New(1) : NULL;
                    if (!ext) {
                        Py_XDECREF(p);
                        Py_DECREF(runs);
                        return -1;
                    }
                    PyList_SET_ITEM(ext, 0, p);
                }
                PyObject *res = PyObject_CallMethod(runs, "extend", "O", ext);
                Py_DECREF(ext);
                if (!res) {
                    Py_DECREF(runs);
                    return -1;
                }
                Py_DECREF(res);
                Py_XSETREF(SLOT(prev, F_RUNS), runs);
            }
            PyObject *joined = PyUnicode_FromFormat("%S %S", SLOT(prev, F_TEXT), SLOT(line, F_TEXT));
            if (!joined) return -1;
            Py_XSETREF(SLOT(prev, F_TEXT), joined);
            set_slot(prev, F_X1, SLOT(line, F_X1));
            if (!SLOT(line, F_SOFT)) {
                PyErr_SetString(PyExc_AttributeError, "_Line.soft is not set");
                return -1;
            }
            set_slot(prev, F_SOFT, SLOT(line, F_SOFT));
            double pt, lt, pbo, lbo;
            rc = slot_double(prev, F_TOP, &pt) | slot_double(line, F_TOP, &lt) | slot_double(prev, F_BOTTOM, &pbo) |
                 slot_double(line, F_BOTTOM, &lbo);
            if (rc < 0) return -1;
            if (lt > pt) set_slot(prev, F_TOP, SLOT(line, F_TOP));          /* max(prev.top, line.top) */
            if (lbo < pbo) set_slot(prev, F_BOTTOM, SLOT(line, F_BOTTOM)); /* min(prev.bottom, line.bottom) */
            return 0;
        }
    }
    return PyList_Append(out, line);
}

/* A Python int as a C int (an OverflowError outside its range). */
static int as_int(PyObject *o) {
    long v = PyLong_AsLong(o);
    if (v == -1 && PyErr_Occurred()) return -1;
    if (v < INT_MIN || v > INT_MAX) {
        PyErr_SetString(PyExc_OverflowError, "char index out of range");
        return -1;
    }
    return (int)v;
}

/* lines(textpage, geoms, borders, gaps, aligned, left) -> [_Line]: _PdfiumReader.lines for an upright
   page, geoms as page_lines returns them. */
static PyObject *native_lines(PyObject *self, PyObject *args) {
    unsigned long long tp_addr;
    PyObject *geoms, *gaps;
    Py_buffer borders;
    int aligned;
    double left;
    if (!PyArg_ParseTuple(args, "KO!y*O!pd", &tp_addr, &PyList_Type, &geoms, &borders, &PyList_Type, &gaps,
                          &aligned, &left))
        return NULL;
    if (not_ready() || !line_type) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_RuntimeError, "set_line_class() first");
        PyBuffer_Release(&borders);
        return NULL;
    }
    void *tp = (void *)(uintptr_t)tp_addr;
    const double *bv = (const double *)borders.buf;
    Py_ssize_t nb = borders.len / (Py_ssize_t)(3 * sizeof(double));
    PyObject *out = PyList_New(0), *result = NULL;
    Py_ssize_t cap = 0;
    double *v = NULL, *cut_x = NULL;
    Py_ssize_t *cut_k = NULL, *firsts = NULL;
    span_t *spans = NULL;
    piece_t *pieces = NULL;
    PyObject **texts = NULL;
    if (!out) goto done;
    for (Py_ssize_t gi = 0; gi < PyList_GET_SIZE(geoms); gi++) {
        PyObject *g = PyList_GET_ITEM(geoms, gi);
        if (!PyTuple_Check(g) || PyTuple_GET_SIZE(g) != 9 || !PyUnicode_Check(PyTuple_GET_ITEM(g, 0)) ||
            !PyBytes_Check(PyTuple_GET_ITEM(g, 5))) {
            PyErr_SetString(PyExc_TypeError, "geoms: the tuples page_lines returns");
            goto done;
        }
        PyObject *seg = PyTuple_GET_ITEM(g, 0), *rects = PyTuple_GET_ITEM(g, 5);
        Py_ssize_t start = PyLong_AsSsize_t(PyTuple_GET_ITEM(g, 1));
        int c0 = as_int(PyTuple_GET_ITEM(g, 2)), c1 = as_int(PyTuple_GET_ITEM(g, 3));
        int soft = PyObject_IsTrue(PyTuple_GET_ITEM(g, 4)), bold = PyObject_IsTrue(PyTuple_GET_ITEM(g, 8));
        double size = PyFloat_AsDouble(PyTuple_GET_ITEM(g, 6)), base = PyFloat_AsDouble(PyTuple_GET_ITEM(g, 7));
        if (PyErr_Occurred() || soft < 0 || bold < 0) goto done;
        Py_ssize_t nr = PyBytes_GET_SIZE(rects) / (Py_ssize_t)(4 * sizeof(double));
        if (nr < 1 || PyBytes_GET_SIZE(rects) != nr * (Py_ssize_t)(4 * sizeof(double))) {
            PyErr_SetString(PyExc_ValueError, "rects: 4 x n doubles, n >= 1");
            goto done;
        }
        if (nr > cap) {
            Py_ssize_t want = nr > 2 * cap ? nr : 2 * cap;
            PyMem_Free(v);
            PyMem_Free(cut_x);
            PyMem_Free(cut_k);
            PyMem_Free(firsts);
            PyMem_Free(spans);
            PyMem_Free(pieces);
            PyMem_Free(texts);
            v = PyMem_Malloc((size_t)want * 4 * sizeof(double));
            cut_x = PyMem_Malloc((size_t)want * sizeof(double));
            cut_k = PyMem_Malloc((size_t)want * sizeof(Py_ssize_t));
            firsts = PyMem_Malloc((size_t)want * sizeof(Py_ssize_t));
            spans = PyMem_Malloc((size_t)want * sizeof(span_t));
            pieces = PyMem_Malloc((size_t)want * sizeof(piece_t));
            texts = PyMem_Malloc((size_t)want * sizeof(PyObject *));
            cap = want;
            if (!v || !cut_x || !cut_k || !firsts || !spans || !pieces || !texts) {
                cap = 0; /* every pointer is freed (or NULL) below and reallocated on the next line */
                PyErr_NoMemory();
                goto done;
            }
        }
        /* a copy: the x extents of the runs are written over L below */
        memcpy(v, PyBytes_AS_STRING(rects), (size_t)nr * 4 * sizeof(double));
        double *L = v, *B = v + nr, *R = v + 2 * nr, *T = v + 3 * nr;
        PyObject *line;
        if (nr == 1) { /* one rect: no gap to cut at (most lines) */
            line = make_line(&seg, &L[0], &R[0], 1, pieces, B[0], T[0], base, size, bold, soft, 1, 0);
        } else {
            double bottom, top, x1;
            Py_ssize_t nspans;
            int marker_ok, marker_cut;
            if (segment_core(tp, L, B, R, T, nr, size, base, c0, c1, start, PyUnicode_GET_LENGTH(seg), aligned,
                             left, bv, nb, gaps, cut_k, cut_x, firsts, &bottom, &top, &x1, spans, &nspans,
                             &marker_ok, &marker_cut) < 0)
                goto done;
            if (nspans == 0) {
                line = make_line(&seg, &L[0], &x1, 1, pieces, bottom, top, base, size, bold, soft, 1, 0);
            } else {
                /* x extents into cut_x / v's first column: both are free once the spans are known */
                double *xa = cut_x, *xb = L;
                Py_ssize_t made = 0;
                for (; made < nspans; made++) {
                    texts[made] = PyUnicode_Substring(seg, spans[made].g0, spans[made].g1);
                    if (!texts[made]) break;
                    xa[made] = spans[made].lo;
                    xb[made] = spans[made].hi;
                }
                line = made == nspans ? make_line(texts, xa, xb, nspans, pieces, bottom, top, base, size, bold, soft,
                                                  marker_ok, marker_cut)
                                      : NULL;
                for (Py_ssize_t i = 0; i < made; i++) Py_DECREF(texts[i]);
            }
        }
        if (!line) goto done;
        int rc = line == Py_None ? 0 : append_line(out, line);
        Py_DECREF(line);
        if (rc < 0) goto done;
    }
    result = PyList_New(0);
    for (Py_ssize_t i = 0; result && i < PyList_GET_SIZE(out); i++) {
        PyObject *ln = PyList_GET_ITEM(out, i);
        int empty = text_empty(ln);
        if (empty < 0 || (!empty && PyList_Append(result, ln) < 0)) Py_CLEAR(result);
    }
done:
    Py_XDECREF(out);
    PyMem_Free(v);
    PyMem_Free(cut_x);
    PyMem_Free(cut_k);
    PyMem_Free(firsts);
    PyMem_Free(spans);
    PyMem_Free(pieces);
    PyMem_Free(texts);
    PyBuffer_Release(&borders);
    return result;
}

/* ---- layout._group_lines: consecutive lines -> paragraphs and list items ----

   Why: after the reader, the layout pass is the largest Python cost of a text PDF, and its per-line
   loop is this one: for every line of every page, _continues (sizes, weights, baselines, indents) and
   _next_item, each a few _Line field reads and float comparisons, then a _Group per paragraph. Done
   here with the same arithmetic on the same fields; layout.py stays the reference (tests compare
   extract()'s blocks both ways). Copied by hand from layout.py: _ENUMERATED (enumerated()). */

enum { G_LINES, G_ROLE, G_PAGE, G_CELL, G_TABLE, N_GFIELDS };
static const char *const gfield_names[N_GFIELDS] = {"lines", "role", "page", "cell", "table"};
static Py_ssize_t gfield_off[N_GFIELDS];
static PyTypeObject *group_type = NULL;
static PyObject *role_str[4] = {NULL}; /* "furniture", "bullet", "text", "item" */

#define GSLOT(o, f) (*(PyObject **)((char *)(o) + gfield_off[f]))


/* set_group_class(cls): layout's _Group (a slots dataclass: lines, role, page, cell, table). */
static PyObject *native_set_group_class(PyObject *self, PyObject *args) {
    PyObject *cls;
    if (!PyArg_ParseTuple(args, "O!", &PyType_Type, &cls)) return NULL;
    Py_ssize_t offs[N_GFIELDS];
    if (slot_offsets(cls, gfield_names, N_GFIELDS, offs) < 0) return NULL;
    static const char *const roles[4] = {"furniture", "bullet", "text", "item"};
    for (int i = 0; i < 4; i++) {
        if (role_str[i]) continue;
        role_str[i] = PyUnicode_InternFromString(roles[i]);
        if (!role_str[i]) return NULL;
    }
    memcpy(gfield_off, offs, sizeof offs);
    Py_INCREF(cls);
    Py_XSETREF(group_type, (PyTypeObject *)cls);
    Py_RETURN_NONE;
}

/* layout._ENUMERATED.match(text): ^\(?(?:\d{1,2}|[a-z])[.)]\s  (\d, \s as re has them on str). */
static int enumerated(PyObject *s) {
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
#define AT(k) ((k) < n ? PyUnicode_READ(kind, data, (k)) : 0)
#define CLOSE(ch) ((ch) == '.' || (ch) == ')')
    Py_ssize_t i = n > 0 && AT(0) == '(' ? 1 : 0;
    Py_UCS4 a = AT(i);
    if (i >= n) return 0;
    if (Py_UNICODE_ISDECIMAL(a)) {
        if (i + 1 < n && Py_UNICODE_ISDECIMAL(AT(i + 1)) && i + 2 < n && CLOSE(AT(i + 2)) && i + 3 < n &&
            Py_UNICODE_ISSPACE(AT(i + 3)))
            return 1;
        return i + 1 < n && CLOSE(AT(i + 1)) && i + 2 < n && Py_UNICODE_ISSPACE(AT(i + 2));
    }
    if (a >= 'a' && a <= 'z') return i + 1 < n && CLOSE(AT(i + 1)) && i + 2 < n && Py_UNICODE_ISSPACE(AT(i + 2));
    return 0;
#undef AT
#undef CLOSE
}

/* The fields of a _Line that grouping reads. */
typedef struct {
    double x0, xt, base, size;
    int bold, bullet;
    PyObject *text; /* borrowed */
} gline;

static int read_gline(PyObject *ln, gline *g) {
    if (!PyObject_TypeCheck(ln, line_type)) {
        PyErr_SetString(PyExc_TypeError, "lines: _Line objects");
        return -1;
    }
    if (slot_double(ln, F_X0, &g->x0) < 0 || slot_double(ln, F_XT, &g->xt) < 0 || slot_double(ln, F_BASE, &g->base) < 0 ||
        slot_double(ln, F_SIZE, &g->size) < 0)
        return -1;
    if ((g->bold = slot_true(ln, F_BOLD)) < 0 || (g->bullet = slot_true(ln, F_BULLET)) < 0) return -1;
    g->text = SLOT(ln, F_TEXT);
    if (!g->text || !PyUnicode_Check(g->text)) {
        PyErr_SetString(PyExc_TypeError, "_Line.text: a str");
        return -1;
    }
    return 0;
}

/* _sibling_marker(first, ln, tol) */
static int sibling_marker(const gline *first, const gline *ln, double tol) {
    return fabs(ln->x0 - first->x0) <= tol && enumerated(ln->text) && enumerated(first->text);
}

/* _continues(group, ln, stats): first, second (NULL for a one-line group), prev: the group's first,
   second and last lines; bullet_role: the group's role is "bullet". */
static int continues(const gline *first, const gline *second, const gline *prev, int bullet_role, const gline *ln,
                     double lead) {
    if (ln->bullet) return 0;
    double prev_size = prev->size;
    double size = ln->size > prev_size ? ln->size : prev_size;
    double rel = 0.06 * size;
    if (fabs(prev_size - ln->size) > (rel > 0.5 ? rel : 0.5) || prev->bold != ln->bold) return 0;
    double drop = prev->base - ln->base;
    if (drop <= 0.3 * size || drop > lead * size * 1.2 + 0.5) return 0;
    double tol = pmax(2.0, 0.35 * size);
    if (sibling_marker(first, ln, tol)) return 0;
    if (bullet_role) return fabs(ln->x0 - first->xt) <= tol;
    if (second) return fabs(ln->x0 - second->x0) <= tol;
    if (fabs(ln->x0 - first->x0) <= tol || fabs(ln->x0 - first->xt) <= tol) return 1;
    if (0 < ln->x0 - first->x0 && ln->x0 - first->x0 <= 2.5 * size && enumerated(first->text)) return 1;
    return 0 < first->x0 - ln->x0 && first->x0 - ln->x0 <= 3 * size;
}

/* A new _Group([ln], role, page), cell and table None. */
static PyObject *new_group(PyObject *ln, PyObject *role, PyObject *page) {
    PyObject *lines = PyList_New(1);
    if (!lines) return NULL;
    PyList_SET_ITEM(lines, 0, Py_NewRef(ln));
    PyObject *obj = group_type->tp_alloc(group_type, 0);
    if (!obj) {
        Py_DECREF(lines);
        return NULL;
    }
    GSLOT(obj, G_LINES) = lines;
    GSLOT(obj, G_ROLE) = Py_NewRef(role);
    GSLOT(obj, G_PAGE) = Py_NewRef(page);
    GSLOT(obj, G_CELL) = Py_NewRef(Py_None);
    GSLOT(obj, G_TABLE) = Py_NewRef(Py_None);
    return obj;
}

/* group_lines(lines, page_number, lead, furniture) -> [_Group]: layout._group_lines. */
static PyObject *native_group_lines(PyObject *self, PyObject *args) {
    PyObject *lines, *page;
    double lead;
    int furniture;
    if (!PyArg_ParseTuple(args, "O!Odp", &PyList_Type, &lines, &page, &lead, &furniture)) return NULL;
    if (!line_type || !group_type) {
        PyErr_SetString(PyExc_RuntimeError, "set_line_class() and set_group_class() first");
        return NULL;
    }
    PyObject *groups = PyList_New(0);
    if (!groups) return NULL;
    PyObject *cur = NULL;     /* borrowed: the last group, owned by groups */
    gline first = {0}, second = {0}, prev = {0}; /* of cur */
    Py_ssize_t cur_n = 0;
    int cur_bullet = 0, cur_item_ok = 0; /* cur's role is "bullet"; is "text" or "item" */
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(lines); i++) {
        PyObject *obj = PyList_GET_ITEM(lines, i);
        gline ln;
        if (read_gline(obj, &ln) < 0) goto fail;
        if (cur && continues(&first, cur_n >= 2 ? &second : NULL, &prev, cur_bullet, &ln, lead)) {
            if (PyList_Append(GSLOT(cur, G_LINES), obj) < 0) goto fail;
            if (cur_n == 1) second = ln;
            prev = ln;
            cur_n++;
            continue;
        }
        PyObject *role = furniture ? role_str[0] : (ln.bullet ? role_str[1] : role_str[2]);
        int item = 0;
        if (role == role_str[2] && cur && cur_item_ok && ln.bold == first.bold &&
            sibling_marker(&first, &ln, pmax(2.0, 0.35 * pmax(ln.size, first.size)))) {
            /* "1. School counsellor" / "2. Principal": items, not numbered headings */
            role = role_str[3];
            Py_XSETREF(GSLOT(cur, G_ROLE), Py_NewRef(role));
            item = 1;
        }
        PyObject *g = new_group(obj, role, page);
        if (!g) goto fail;
        int rc = PyList_Append(groups, g);
        Py_DECREF(g);
        if (rc < 0) goto fail;
        cur = g;
        first = prev = ln;
        cur_n = 1;
        cur_bullet = role == role_str[1];
        cur_item_ok = role == role_str[2] || item;
    }
    return groups;
fail:
    Py_DECREF(groups);
    return NULL;
}

/* ---- layout._stats: the body size and line pitch of a document ----

   Why: two passes over every line of the document reading _Line fields (a rounded size per line, then
   the pitch of consecutive body lines): per-line Python work the C loop does with the same arithmetic.
   layout.py stays the reference; a size that is not finite (round() raises on it) is left to it. */

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* stats(pages) -> (body, lead) | None: layout._stats before it builds the _Stats; None where Python
   must decide (a size that is not finite, a body size of 0). pages: _Page objects, lines in `lines`. */
static PyObject *native_stats(PyObject *self, PyObject *args) {
    PyObject *pages;
    if (!PyArg_ParseTuple(args, "O!", &PyList_Type, &pages)) return NULL;
    if (!line_type) {
        PyErr_SetString(PyExc_RuntimeError, "set_line_class() first");
        return NULL;
    }
    PyObject *result = NULL;
    PyObject **page_lines = PyMem_Calloc((size_t)(PyList_GET_SIZE(pages) + 1), sizeof(PyObject *));
    /* distinct quantised sizes in order of first appearance, with their text lengths */
    Py_ssize_t nq = 0, capq = 16, total = 0, nratios = 0;
    double *qv = PyMem_Malloc((size_t)capq * sizeof(double));
    long long *qn = PyMem_Malloc((size_t)capq * sizeof(long long));
    double *q = NULL, *ratios = NULL;
    if (!page_lines || !qv || !qn) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t p = 0; p < PyList_GET_SIZE(pages); p++) {
        PyObject *lines = PyObject_GetAttrString(PyList_GET_ITEM(pages, p), "lines");
        if (!lines) goto done;
        page_lines[p] = lines;
        if (!PyList_Check(lines)) {
            PyErr_SetString(PyExc_TypeError, "_Page.lines: a list");
            goto done;
        }
        total += PyList_GET_SIZE(lines);
    }
    q = PyMem_Malloc((size_t)(total > 0 ? total : 1) * sizeof(double));
    ratios = PyMem_Malloc((size_t)(total > 0 ? total : 1) * sizeof(double));
    if (!q || !ratios) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t at = 0;
    for (Py_ssize_t p = 0; p < PyList_GET_SIZE(pages); p++) {
        PyObject *lines = page_lines[p];
        for (Py_ssize_t k = 0; k < PyList_GET_SIZE(lines); k++, at++) {
            PyObject *ln = PyList_GET_ITEM(lines, k);
            double size;
            if (!PyObject_TypeCheck(ln, line_type)) {
                PyErr_SetString(PyExc_TypeError, "lines: _Line objects");
                goto done;
            }
            if (slot_double(ln, F_SIZE, &size) < 0) goto done;
            if (!isfinite(size * 2)) { /* round() raises: Python says what happens */
                result = Py_NewRef(Py_None);
                goto done;
            }
            double v = nearbyint(size * 2) / 2; /* round(size * 2) / 2: ties to even */
            PyObject *text = SLOT(ln, F_TEXT);
            if (!text || !PyUnicode_Check(text)) {
                PyErr_SetString(PyExc_TypeError, "_Line.text: a str");
                goto done;
            }
            q[at] = v;
            Py_ssize_t j = 0;
            while (j < nq && qv[j] != v) j++;
            if (j == nq) {
                if (nq == capq) {
                    capq *= 2;
                    double *qv2 = PyMem_Realloc(qv, (size_t)capq * sizeof(double));
                    if (!qv2) {
                        PyErr_NoMemory();
                        goto done;
                    }
                    qv = qv2;
                    long long *qn2 = PyMem_Realloc(qn, (size_t)capq * sizeof(long long));
                    if (!qn2) {
                        PyErr_NoMemory();
                        goto done;
                    }
                    qn = qn2;
                }
                qv[nq] = v;
                qn[nq++] = 0;
            }
            qn[j] += PyUnicode_GET_LENGTH(text);
        }
    }
    double body = 10.0;
    if (nq > 0) { /* Counter.most_common(1): the first of the largest counts */
        Py_ssize_t best = 0;
        for (Py_ssize_t j = 1; j < nq; j++)
            if (qn[j] > qn[best]) best = j;
        body = qv[best];
    }
    if (body == 0) { /* Python divides by it below and raises: it says what happens */
        result = Py_NewRef(Py_None);
        goto done;
    }
    at = 0;
    for (Py_ssize_t p = 0; p < PyList_GET_SIZE(pages); p++) {
        PyObject *lines = page_lines[p];
        Py_ssize_t n = PyList_GET_SIZE(lines);
        for (Py_ssize_t k = 1; k < n; k++) {
            if (q[at + k - 1] == body && q[at + k] == body) {
                double ax, bx, ab, bb;
                PyObject *a = PyList_GET_ITEM(lines, k - 1), *b = PyList_GET_ITEM(lines, k);
                if (slot_double(a, F_X0, &ax) < 0 || slot_double(b, F_X0, &bx) < 0) goto done;
                if (fabs(ax - bx) < 2 * body) {
                    if (slot_double(a, F_BASE, &ab) < 0 || slot_double(b, F_BASE, &bb) < 0) goto done;
                    double r = (ab - bb) / body;
                    if (0.9 < r && r < 2.2) ratios[nratios++] = r;
                }
            }
        }
        at += n;
    }
    double lead = 1.2;
    if (nratios >= 3) { /* statistics.median */
        qsort(ratios, (size_t)nratios, sizeof(double), cmp_double);
        Py_ssize_t i = nratios / 2;
        lead = nratios % 2 ? ratios[i] : (ratios[i - 1] + ratios[i]) / 2;
    }
    lead = pmax(lead, 1.0);
    lead = lead < 2.0 ? lead : 2.0; /* min(max(lead, 1.0), 2.0) */
    result = Py_BuildValue("(dd)", body, lead);
done:
    if (page_lines)
        for (Py_ssize_t p = 0; p < PyList_GET_SIZE(pages); p++) Py_XDECREF(page_lines[p]);
    PyMem_Free(page_lines);
    PyMem_Free(qv);
    PyMem_Free(qn);
    PyMem_Free(q);
    PyMem_Free(ratios);
    return result;
}

/* Test hooks: the C versions of lines._is_marker and _clean(text).strip(), so that tests can compare
   them with the Python ones on strings no PDF of the corpus has. */
static PyObject *native_is_marker(PyObject *self, PyObject *arg) {
    if (!PyUnicode_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "a str");
        return NULL;
    }
    if (!bullets) {
        PyErr_SetString(PyExc_RuntimeError, "set_line_class() first");
        return NULL;
    }
    int r = is_marker(arg);
    return r < 0 ? NULL : PyBool_FromLong(r);
}

static PyObject *native_make_line(PyObject *self, PyObject *args) {
    PyObject *pieces_obj;
    double bottom, top, base, size;
    int bold, soft, marker_ok, marker_cut;
    if (!PyArg_ParseTuple(args, "O!ddddpppp", &PyList_Type, &pieces_obj, &bottom, &top, &base, &size, &bold, &soft,
                          &marker_ok, &marker_cut))
        return NULL;
    if (!line_type) {
        PyErr_SetString(PyExc_RuntimeError, "set_line_class() first");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(pieces_obj);
    PyObject **texts = PyMem_Malloc((size_t)(n > 0 ? n : 1) * sizeof(PyObject *));
    double *xa = PyMem_Malloc((size_t)(n > 0 ? n : 1) * sizeof(double));
    double *xb = PyMem_Malloc((size_t)(n > 0 ? n : 1) * sizeof(double));
    piece_t *c = PyMem_Malloc((size_t)(n > 0 ? n : 1) * sizeof(piece_t));
    PyObject *result = NULL;
    if (!texts || !xa || !xb || !c) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *p = PyList_GET_ITEM(pieces_obj, i);
        if (!PyTuple_Check(p) || PyTuple_GET_SIZE(p) != 3 || !PyUnicode_Check(PyTuple_GET_ITEM(p, 0))) {
            PyErr_SetString(PyExc_TypeError, "pieces: (str, float, float)");
            goto done;
        }
        texts[i] = PyTuple_GET_ITEM(p, 0);
        xa[i] = PyFloat_AsDouble(PyTuple_GET_ITEM(p, 1));
        xb[i] = PyFloat_AsDouble(PyTuple_GET_ITEM(p, 2));
    }
    if (PyErr_Occurred()) goto done;
    result = make_line(texts, xa, xb, n, c, bottom, top, base, size, bold, soft, marker_ok, marker_cut);
done:
    PyMem_Free(texts);
    PyMem_Free(xa);
    PyMem_Free(xb);
    PyMem_Free(c);
    return result;
}

static PyMethodDef methods[] = {
    {"init", native_init, METH_VARARGS, "Addresses of the PDFium functions, in the order pdfium.py lists them."},
    {"page_lines", native_page_lines, METH_VARARGS, "Every text line of an upright page with its geometry."},
    {"set_line_class", native_set_line_class, METH_VARARGS, "The _Line class and the bullet glyph sets."},
    {"lines", native_lines, METH_VARARGS, "The _Line objects of an upright page from its line geometries."},
    {"set_group_class", native_set_group_class, METH_VARARGS, "layout's _Group class."},
    {"group_lines", native_group_lines, METH_VARARGS, "layout._group_lines."},
    {"stats", native_stats, METH_VARARGS, "layout._stats: (body size, line pitch) or None."},
    {"make_line", native_make_line, METH_VARARGS, "lines._make_line (for tests)."},
    {"is_marker", native_is_marker, METH_O, "lines._is_marker (for tests)."},
    {"objects", native_objects, METH_VARARGS, "(drawn, horizontal rules, vertical rules) of a page."},
    {"page_grids", native_page_grids, METH_VARARGS, "(drawn, table grids) of a page, or (drawn, None)."},
    {"grids", native_grids, METH_VARARGS, "geometry._grids (for tests)."},
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
