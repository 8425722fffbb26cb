"""HTTP plumbing of the REST functions (api, agent).

Errors and their one JSON shape, the caller's identity, CORS, paging, query and body checks,
one API Gateway invocation. Imports only `contracts/`, `runtime/` and the root primitives;
the use cases (`documents/`, `conversations/`) import its errors.
"""
