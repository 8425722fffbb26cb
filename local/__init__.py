"""The local stack: the whole product on 127.0.0.1, against an embedded AWS (moto).

`python -m local` (or `make dev`) starts it (the end-to-end and browser tests run it in a
child process); `local.stack.LocalStack` starts it from code, in this process.
"""
