// fib(30): call-heavy recursion. The input is volatile so clang cannot fold the result.
volatile int fib_n = 30;

static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

int run(void) { return fib(fib_n); }
