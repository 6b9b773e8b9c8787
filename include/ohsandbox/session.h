/*
 * libohsandbox - runtime sessions: one sandbox container each.
 * See ohs_session(3).  (Being written: see issue 3.)
 */
#ifndef OHSANDBOX_SESSION_H
#define OHSANDBOX_SESSION_H

#include "common.h"
#include "config.h"
#include "client.h"

OHS_BEGIN_DECL

typedef struct ohs_session ohs_session;

OHS_END_DECL

#endif
