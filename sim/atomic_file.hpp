// Writing a file so that readers never see half of it: the text goes to a
// temporary name in the same directory, which is renamed into place only
// when complete. Shared by the panel writers (sim/) and the reports
// (estimation/).
#pragma once

#include <string>

namespace firmsim {

// The temporary name a file is written under before it is renamed to `path`.
std::string temporary_path(const std::string& path);

// Writes `text` to `path` atomically; throws InputError naming the path.
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace firmsim
