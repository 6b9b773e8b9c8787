/*
 * libohsandbox - security policy over the create body.  See ohs_policy(3).
 * (Being written: see issue 4.)
 */
#ifndef OHSANDBOX_POLICY_H
#define OHSANDBOX_POLICY_H

#include "common.h"

OHS_BEGIN_DECL

OHS_END_DECL

#endif
