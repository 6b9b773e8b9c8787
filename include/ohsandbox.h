/*
 * libohsandbox - Docker sandboxes for AI agents.  See ohsandbox(7).
 * Umbrella header: includes every public header.
 */
#ifndef OHSANDBOX_H
#define OHSANDBOX_H

#include "ohsandbox/common.h"
#include "ohsandbox/version.h"
#include "ohsandbox/error.h"
#include "ohsandbox/volume.h"
#include "ohsandbox/netpolicy.h"
#include "ohsandbox/config.h"
#include "ohsandbox/env.h"
#include "ohsandbox/client.h"
#include "ohsandbox/session.h"
#include "ohsandbox/policy.h"
#include "ohsandbox/floor.h"
#include "ohsandbox/shell.h"
#include "ohsandbox/pool.h"

#endif
