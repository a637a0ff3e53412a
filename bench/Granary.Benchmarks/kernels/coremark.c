// A CoreMark-like mix (not the EEMBC CoreMark itself): linked-list search/reverse/sort, 16-bit matrix
// arithmetic, a number-parsing state machine, all folded into a CRC-16 like CoreMark does.
typedef unsigned char u8;
typedef unsigned short u16;
typedef short i16;
typedef int i32;
typedef unsigned int u32;

volatile int iterations = 300;

static u16 crcu8(u8 data, u16 crc) {
    for (int i = 0; i < 8; i++) {
        u8 x16 = (u8)((data & 1) ^ ((u8)crc & 1));
        data >>= 1;
        if (x16 == 1) {
            crc ^= 0x4002;
            crc >>= 1;
            crc |= 0x8000;
        } else {
            crc >>= 1;
        }
    }
    return crc;
}

static u16 crcu16(u16 v, u16 crc) { return crcu8((u8)(v >> 8), crcu8((u8)v, crc)); }
static u16 crcu32(u32 v, u16 crc) { return crcu16((u16)(v >> 16), crcu16((u16)v, crc)); }

// ---- list ----
typedef struct node { struct node *next; i16 val; i16 idx; } node;
#define LIST_N 400
static node pool[LIST_N];

static node *list_build(int seed) {
    node *head = 0;
    for (int i = 0; i < LIST_N; i++) {
        node *n = &pool[i];
        n->idx = (i16)i;
        n->val = (i16)(((i * 7919 + seed) ^ (i << 3)) & 0x7fff);
        n->next = head;
        head = n;
    }
    return head;
}

static node *list_reverse(node *l) {
    node *prev = 0;
    while (l) { node *next = l->next; l->next = prev; prev = l; l = next; }
    return prev;
}

static node *list_find(node *l, i16 val) {
    while (l && l->val != val) l = l->next;
    return l;
}

static node *list_sort(node *list, int by_idx) {
    // Merge sort on a singly linked list (as in CoreMark's core_list_mergesort).
    int insize = 1;
    for (;;) {
        node *p = list, *tail = 0;
        list = 0;
        int nmerges = 0;
        while (p) {
            nmerges++;
            node *q = p;
            int psize = 0;
            for (int i = 0; i < insize; i++) { psize++; q = q->next; if (!q) break; }
            int qsize = insize;
            while (psize > 0 || (qsize > 0 && q)) {
                node *e;
                if (psize == 0) { e = q; q = q->next; qsize--; }
                else if (qsize == 0 || !q) { e = p; p = p->next; psize--; }
                else if ((by_idx ? p->idx - q->idx : p->val - q->val) <= 0) { e = p; p = p->next; psize--; }
                else { e = q; q = q->next; qsize--; }
                if (tail) tail->next = e; else list = e;
                tail = e;
            }
            p = q;
        }
        tail->next = 0;
        if (nmerges <= 1) return list;
        insize *= 2;
    }
}

static u16 bench_list(int seed, u16 crc) {
    node *l = list_build(seed);
    for (int i = 0; i < 40; i++) {
        node *f = list_find(l, (i16)((i * 131 + seed) & 0x7fff));
        crc = crcu16(f ? (u16)f->idx : 0xffff, crc);
        l = list_reverse(l);
    }
    l = list_sort(l, 0);
    for (node *p = l; p; p = p->next) crc = crcu16((u16)p->val, crc);
    l = list_sort(l, 1);
    crc = crcu16((u16)l->val, crc);
    return crc;
}

// ---- matrix ----
#define MN 24
static i16 ma[MN * MN], mb[MN * MN];
static i32 mc[MN * MN];

static u16 bench_matrix(int seed, u16 crc) {
    for (int i = 0; i < MN * MN; i++) {
        ma[i] = (i16)((i * seed) & 0xff);
        mb[i] = (i16)(((i + seed) * 37) & 0xff);
    }
    for (int i = 0; i < MN * MN; i++) ma[i] += (i16)seed;
    for (int i = 0; i < MN; i++)
        for (int j = 0; j < MN; j++) {
            i32 s = 0;
            for (int k = 0; k < MN; k++) s += (i32)ma[i * MN + k] * (i32)mb[k * MN + j];
            mc[i * MN + j] = s;
        }
    i32 tmp = 0;
    for (int i = 0; i < MN * MN; i++) tmp += (mc[i] >> 2) & 0xf;
    for (int i = 0; i < MN; i++)
        for (int j = 0; j < MN; j++) {
            i32 s = 0;
            for (int k = 0; k < MN; k++) {
                i32 t = (i32)ma[i * MN + k] * (i32)mb[k * MN + j];
                s += (t >> 2) & 0xf * ((t >> 5) & 0x7f);
            }
            mc[i * MN + j] = s;
        }
    for (int i = 0; i < MN * MN; i++) crc = crcu32((u32)mc[i], crc);
    return crcu32((u32)tmp, crc);
}

// ---- state machine ----
static const char *inputs[] = {"5012", "1234", "-874", "+122", "35.54", ".1234", "-110.700", "+0.64400",
                               "5.500e+3", "-.123e-2", "-87e+832", "+0.6e-12", "T0.3e-1F", "-T.T++Tq", "1T3.4e4z", "34.0e-T^"};
enum { S_START, S_INVALID, S_S1, S_INT, S_FLOAT, S_EXP, S_S2, S_SCI };

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static int classify(const char *s, int *transitions) {
    int state = S_START;
    for (; *s; s++) {
        char c = *s;
        int next = state;
        switch (state) {
        case S_START: next = is_digit(c) ? S_INT : (c == '+' || c == '-') ? S_S1 : c == '.' ? S_FLOAT : S_INVALID; break;
        case S_S1: next = is_digit(c) ? S_INT : c == '.' ? S_FLOAT : S_INVALID; break;
        case S_INT: next = c == '.' ? S_FLOAT : is_digit(c) ? S_INT : S_INVALID; break;
        case S_FLOAT: next = (c == 'e' || c == 'E') ? S_S2 : is_digit(c) ? S_FLOAT : S_INVALID; break;
        case S_S2: next = (c == '+' || c == '-') ? S_EXP : S_INVALID; break;
        case S_EXP: next = is_digit(c) ? S_SCI : S_INVALID; break;
        case S_SCI: next = is_digit(c) ? S_SCI : S_INVALID; break;
        default: break;
        }
        if (next != state) transitions[next]++;
        state = next;
        if (state == S_INVALID) break;
    }
    return state;
}

static u16 bench_state(int seed, u16 crc) {
    int transitions[8] = {0};
    int finals[8] = {0};
    for (int r = 0; r < 20; r++)
        for (int i = 0; i < 16; i++) finals[classify(inputs[(i + seed + r) & 15], transitions)]++;
    for (int i = 0; i < 8; i++) crc = crcu32((u32)(finals[i] * 31 + transitions[i]), crc);
    return crc;
}

int run(void) {
    u16 crc = 0;
    int n = iterations;
    for (int i = 0; i < n; i++) {
        crc = bench_list(i, crc);
        crc = bench_matrix(i + 1, crc);
        crc = bench_state(i, crc);
    }
    return crc;
}
