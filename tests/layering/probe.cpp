// Links every object of the server-side layers (see CMakeLists.txt); the
// program itself does nothing.
int main() { return 0; }
