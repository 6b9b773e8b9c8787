/*
 * netpolicy: (being written)
 */
#include "internal.h"
