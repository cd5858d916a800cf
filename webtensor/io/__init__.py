"""Model files (tfjs's tf.io): artifacts, weights as bytes, and the handlers that keep them,
chosen by URL scheme: a directory (CPython), http(s), memory, save callbacks, and in the page
indexeddb://, localstorage://, downloads://."""
from .artifacts import ModelArtifacts, model_json, to_files
# The page's storages; importing it registers indexeddb://, localstorage://, downloads:// in Pyodide.
from .browser import (browser_downloads, browser_files, browser_indexed_db, browser_local_storage,
                      copy_model, list_models, move_model, remove_model)
from .handlers import (DirectoryHandler, HttpHandler, from_memory, handler_for, register_scheme,
                       with_save_handler)
from .weights import decode_weights, encode_weights


def http(path, request_init=None):
    """tfjs's io.http / browserHTTPRequest: load with GET, save with a multipart POST."""
    return HttpHandler(path, request_init)


browser_http_request = http
