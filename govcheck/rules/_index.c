/* The per-document word index of govcheck.rules.terms.Index in compiled code: tokens, vocabulary,
 * positions and token offsets.
 *
 * Why: building a document's index (split every sentence into casefolded tokens with `\w+`, collect the
 * vocabulary, record where the words some pattern matches stand) was the largest block of Python in
 * rule evaluation after the conditions: ~70,000 `findall` calls and a loop over every token of every
 * sentence per document (bench/RESULTS.md, twelfth session). The same steps here, with the same
 * results, object for object: govcheck/rules/index_native.py loads this module (or not: then the
 * Python in terms.py runs) and tests/test_index_native.py compares both.
 *
 * A word character is what Python's `re` takes `\w` to be in a str pattern: `_` or a character for
 * which str.isalnum() is true (Py_UNICODE_ISALNUM, which _sre itself calls). A token is a maximal run
 * of them, as `\w+`'s findall finds them. Built by hatch_build.py when a C compiler is there.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#define INDEX_ABI 2

static unsigned char ascii_word[128];

static inline int is_word(Py_UCS4 ch) {
    if (ch < 128)
        return ascii_word[ch];
    return Py_UNICODE_ISALNUM(ch);
}

/* The tokens of text[start:end] appended to `toks`, each as the same object as an equal earlier one
 * (`canon`). With `fold`, each token is casefolded on its own (str.casefold, called through `fold`). */
static int add_tokens(PyObject *text, Py_ssize_t start, Py_ssize_t end, PyObject *toks, PyObject *canon,
                      PyObject *fold) {
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t i = start;
    while (i < end) {
        if (!is_word(PyUnicode_READ(kind, data, i))) {
            i++;
            continue;
        }
        Py_ssize_t first = i;
        while (i < end && is_word(PyUnicode_READ(kind, data, i)))
            i++;
        PyObject *word = PyUnicode_Substring(text, first, i);
        if (word == NULL)
            return -1;
        if (fold != NULL) {
            PyObject *folded = PyObject_CallOneArg(fold, word);
            Py_DECREF(word);
            if (folded == NULL)
                return -1;
            word = folded;
        }
        PyObject *same = PyDict_SetDefault(canon, word, word); /* borrowed */
        int failed = same == NULL || PyList_Append(toks, same) < 0;
        Py_DECREF(word);
        if (failed)
            return -1;
    }
    return 0;
}

/* tokens(folded, sentences) -> the tokens of each sentence
 * `folded` is the sentences joined with "\n" and casefolded, of the same length as the joined text:
 * sentence k is folded[pos:pos + len(sentences[k])], and the next starts one character later. Equal
 * tokens of one document are one object, which changes nothing but memory and the cost of comparing
 * them. */
static PyObject *tokens(PyObject *self, PyObject *args) {
    PyObject *folded, *sentences;
    if (!PyArg_ParseTuple(args, "UO!:tokens", &folded, &PyList_Type, &sentences))
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(sentences), total = PyUnicode_GET_LENGTH(folded);
    PyObject *out = PyList_New(n), *canon = PyDict_New();
    if (out == NULL || canon == NULL)
        goto fail;
    Py_ssize_t pos = 0;
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *sentence = PyList_GET_ITEM(sentences, k);
        if (!PyUnicode_Check(sentence)) {
            PyErr_SetString(PyExc_TypeError, "sentences must be str");
            goto fail;
        }
        Py_ssize_t end = pos + PyUnicode_GET_LENGTH(sentence);
        if (end > total) {
            PyErr_SetString(PyExc_ValueError, "folded text shorter than the sentences");
            goto fail;
        }
        PyObject *toks = PyList_New(0);
        if (toks == NULL)
            goto fail;
        PyList_SET_ITEM(out, k, toks);
        if (add_tokens(folded, pos, end, toks, canon, NULL) < 0)
            goto fail;
        pos = end + 1;
    }
    Py_DECREF(canon);
    return out;
fail:
    Py_XDECREF(out);
    Py_XDECREF(canon);
    return NULL;
}

/* tokens_each(sentences, casefold) -> the tokens of each sentence, as terms._tokens gives them: where
 * casefolding the sentence keeps its length and it holds no U+0345, the `\w+` runs of the casefolded
 * sentence; otherwise each `\w+` run of the sentence casefolded on its own. `casefold` is str.casefold.
 * (For documents where casefolding the whole text changes its length: a "ß" anywhere.) */
static PyObject *tokens_each(PyObject *self, PyObject *args) {
    PyObject *sentences, *fold;
    if (!PyArg_ParseTuple(args, "O!O:tokens_each", &PyList_Type, &sentences, &fold))
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(sentences);
    PyObject *out = PyList_New(n), *canon = PyDict_New();
    if (out == NULL || canon == NULL)
        goto fail;
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *sentence = PyList_GET_ITEM(sentences, k);
        if (!PyUnicode_Check(sentence)) {
            PyErr_SetString(PyExc_TypeError, "sentences must be str");
            goto fail;
        }
        PyObject *toks = PyList_New(0);
        if (toks == NULL)
            goto fail;
        PyList_SET_ITEM(out, k, toks);
        PyObject *folded = PyObject_CallOneArg(fold, sentence);
        if (folded == NULL)
            goto fail;
        Py_ssize_t len = PyUnicode_GET_LENGTH(sentence);
        int same = PyUnicode_GET_LENGTH(folded) == len && PyUnicode_FindChar(sentence, 0x345, 0, len, 1) == -1;
        int failed = same ? add_tokens(folded, 0, len, toks, canon, NULL)
                          : add_tokens(sentence, 0, len, toks, canon, fold);
        Py_DECREF(folded);
        if (failed < 0)
            goto fail;
    }
    Py_DECREF(canon);
    return out;
fail:
    Py_XDECREF(out);
    Py_XDECREF(canon);
    return NULL;
}

/* positions(words, relevant, positions) -> None
 * For each token (sentence si, token ti) whose word is a key of the dict `relevant`, append (si, ti) to
 * positions[word] (a new list where the word has none yet), sentence by sentence in order. */
static PyObject *positions(PyObject *self, PyObject *args) {
    PyObject *words, *relevant, *where;
    if (!PyArg_ParseTuple(args, "O!O!O!:positions", &PyList_Type, &words, &PyDict_Type, &relevant,
                          &PyDict_Type, &where))
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(words);
    for (Py_ssize_t si = 0; si < n; si++) {
        PyObject *toks = PyList_GET_ITEM(words, si);
        if (!PyList_Check(toks)) {
            PyErr_SetString(PyExc_TypeError, "words must be lists");
            return NULL;
        }
        PyObject *si_obj = NULL;
        for (Py_ssize_t ti = 0; ti < PyList_GET_SIZE(toks); ti++) {
            PyObject *w = PyList_GET_ITEM(toks, ti);
            int in = PyDict_Contains(relevant, w);
            if (in < 0)
                goto fail;
            if (!in)
                continue;
            PyObject *list = PyDict_GetItemWithError(where, w); /* borrowed */
            if (list == NULL) {
                if (PyErr_Occurred())
                    goto fail;
                list = PyList_New(0);
                if (list == NULL)
                    goto fail;
                int failed = PyDict_SetItem(where, w, list);
                Py_DECREF(list); /* the dict holds it */
                if (failed < 0)
                    goto fail;
            }
            if (si_obj == NULL && (si_obj = PyLong_FromSsize_t(si)) == NULL)
                goto fail;
            PyObject *ti_obj = PyLong_FromSsize_t(ti);
            if (ti_obj == NULL)
                goto fail;
            PyObject *pair = PyTuple_Pack(2, si_obj, ti_obj);
            Py_DECREF(ti_obj);
            if (pair == NULL)
                goto fail;
            int failed = PyList_Append(list, pair);
            Py_DECREF(pair);
            if (failed < 0)
                goto fail;
        }
        Py_XDECREF(si_obj);
        continue;
    fail:
        Py_XDECREF(si_obj);
        return NULL;
    }
    Py_RETURN_NONE;
}

/* spans(text) -> (starts, ends): where each `\w+` token of the text starts and ends. */
static PyObject *spans(PyObject *self, PyObject *arg) {
    if (!PyUnicode_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "spans() takes a str");
        return NULL;
    }
    Py_ssize_t len = PyUnicode_GET_LENGTH(arg);
    int kind = PyUnicode_KIND(arg);
    const void *data = PyUnicode_DATA(arg);
    PyObject *starts = PyList_New(0), *ends = PyList_New(0);
    if (starts == NULL || ends == NULL)
        goto fail;
    Py_ssize_t i = 0;
    while (i < len) {
        if (!is_word(PyUnicode_READ(kind, data, i))) {
            i++;
            continue;
        }
        Py_ssize_t start = i;
        while (i < len && is_word(PyUnicode_READ(kind, data, i)))
            i++;
        PyObject *a = PyLong_FromSsize_t(start), *b = PyLong_FromSsize_t(i);
        int failed = a == NULL || b == NULL || PyList_Append(starts, a) < 0 || PyList_Append(ends, b) < 0;
        Py_XDECREF(a);
        Py_XDECREF(b);
        if (failed)
            goto fail;
    }
    PyObject *result = PyTuple_Pack(2, starts, ends);
    Py_DECREF(starts);
    Py_DECREF(ends);
    return result;
fail:
    Py_XDECREF(starts);
    Py_XDECREF(ends);
    return NULL;
}

static PyMethodDef methods[] = {
    {"tokens", tokens, METH_VARARGS, "The tokens of each sentence of a casefolded joined text."},
    {"tokens_each", tokens_each, METH_VARARGS, "The tokens of each sentence, casefolded as terms._tokens does."},
    {"positions", positions, METH_VARARGS, "Append (sentence, token) of each relevant word to positions."},
    {"spans", spans, METH_O, "Start and end offsets of the text's \\w+ tokens."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_index", NULL, -1, methods};

PyMODINIT_FUNC PyInit__index(void) {
    for (int c = 0; c < 128; c++)
        ascii_word[c] = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    PyObject *m = PyModule_Create(&module);
    if (m != NULL && PyModule_AddIntConstant(m, "ABI", INDEX_ABI) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
