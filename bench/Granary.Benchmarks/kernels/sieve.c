// Sieve of Eratosthenes up to 10^6: byte stores and loads over ~1 MB of linear memory.
#define LIMIT 1000000
static unsigned char composite[LIMIT + 1];
volatile int limit = LIMIT;

int run(void) {
    int n = limit;
    for (int i = 0; i <= n; i++) composite[i] = 0;
    int count = 0;
    for (int i = 2; i <= n; i++) {
        if (!composite[i]) {
            count++;
            for (long long j = (long long)i * i; j <= n; j += i) composite[j] = 1;
        }
    }
    return count;
}
