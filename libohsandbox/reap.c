/*
 * reap: (being written)
 */
#include "internal.h"
