/*
 * session: (being written)
 */
#include "internal.h"
