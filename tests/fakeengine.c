#include "fakeengine.h"
