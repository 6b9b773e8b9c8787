/*
 * env: (being written)
 */
#include "internal.h"
