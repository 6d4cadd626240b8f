#ifndef SOAK_CSQLITE_SHIM_H
#define SOAK_CSQLITE_SHIM_H
#include <sqlite3.h>

// SQLITE_TRANSIENT is a macro casting -1 to a function pointer: Swift cannot import it.
static inline sqlite3_destructor_type soak_sqlite_transient(void) { return SQLITE_TRANSIENT; }
// SQLITE_STATIC likewise (a null destructor): the caller keeps the buffer alive until the step.
static inline sqlite3_destructor_type soak_sqlite_static(void) { return SQLITE_STATIC; }
// sqlite3_config is variadic; the store only needs the single-int forms.
static inline int soak_sqlite_config_int(int op, int v) { return sqlite3_config(op, v); }

#endif
