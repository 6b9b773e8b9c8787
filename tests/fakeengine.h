#ifndef OHS_FAKEENGINE_H
#define OHS_FAKEENGINE_H
#endif
