#pragma once

// Decides from text alone which translation units can hold anything the rules look for, so that
// a large tree is parsed only where it matters. A unit is kept when its file mentions a device
// path, a port-I/O call, a firmware anchor or the efi/systab file, or a macro or function of a
// project header it includes whose definition holds one of those (directly or through other such
// names); when such a header holds one outside any macro or function definition; as the first
// includer of such a header; or when its file or a project header mentions a name the units parsed
// so far show to matter (a wrapper whose callers decide or receive its device, a global or field
// holding one), or defines a function the units parsed so far pass a device to.
// Over-approximating is cheap; missing a unit loses findings.

#include "devmem/scan/compilation.hpp"

#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace devmem::scan::detail {

class MappedFile;

class Prefilter {
public:
    // The jobs' files are read on `threads` threads (0: one per core).
    explicit Prefilter(const std::vector<CompileJob>& jobs, unsigned threads = 0);
    ~Prefilter();
    Prefilter(const Prefilter&) = delete;
    Prefilter& operator=(const Prefilter&) = delete;

    // Indexes of the jobs whose text holds a trigger, mentions one of `mentioned` (wrappers and
    // shared variables to find the users of) or defines one of `defined` (functions a device is
    // passed to), in job order.
    std::vector<std::size_t> select(const std::set<std::string>& mentioned,
                                    const std::set<std::string>& defined = {}) const;

    // Every file whose text was read: the jobs' files and the project headers they include.
    std::vector<std::string> files_read() const;
    // Whether job `index`'s own file mentions "devmem-scan:" (may hold inline suppressions).
    bool mentions_marker(std::size_t index) const;
    // The include names of job `index`'s file and project headers that name no project file
    // (system headers and missing ones alike), in the order found; nullopt when some include
    // there cannot be told from its name (a macro, `#include_next`, `__has_include`).
    std::optional<std::vector<std::string>> unresolved_includes(std::size_t index) const;

private:
    struct FileText;
    // The job's file, absolute and normal: the key its text is kept under.
    static std::string source_path(const CompileJob& job);
    void read_sources(const std::vector<CompileJob>& jobs, unsigned threads);
    const FileText& text_of(const std::string& file);
    // The file and the project headers it includes, directly or not.
    std::vector<const FileText*> closure_of(const CompileJob& job);
    // What `text` includes through the search path numbered `search_path_id` (whose directories
    // are given): the project headers found, in include order, and the names none holds.
    struct Resolution {
        std::vector<const FileText*> headers;
        std::vector<std::string> unresolved;
    };
    // Resolved once per file and search path, as most units of a tree include the same headers
    // through the same directories.
    const Resolution& included_headers(const FileText& text, std::size_t search_path_id,
                                       const std::vector<std::filesystem::path>& quoted_directories,
                                       const std::vector<std::filesystem::path>& directories);
    // A job's include directories and forced includes, as closure_of() reads them from its
    // arguments; the next job has the same ones more often than not.
    struct SearchPath {
        std::filesystem::path job_directory;
        std::vector<std::string> arguments;
        std::vector<std::filesystem::path> quoted_directories;
        std::vector<std::filesystem::path> directories;
        std::vector<std::string> forced_includes;
        std::size_t id = 0;
    };
    const SearchPath& search_path_of(const CompileJob& job);
    // The project header an include names, as the preprocessor searches: the including file's
    // directory (null for `<name>`), then for `"name"` the -iquote directories, then the -I ones;
    // empty when none holds it.
    std::string find_header(const std::string& name,
                            const std::filesystem::path* including_directory,
                            const std::vector<std::filesystem::path>& quoted_directories,
                            const std::vector<std::filesystem::path>& directories);
    // `directory/name` when that is a regular file, normal; empty otherwise. Include directories
    // are probed for the same names over and over, so each answer is kept.
    const std::string& header_at(const std::filesystem::path& directory, const std::string& name);
    // Whether `file` (normal) is named in its directory's listing, or that directory exists but
    // cannot be listed: an include is looked for in every include directory, and most are not
    // there, which the listing says without a failed stat() each (35,000 on the X server).
    bool listed(const std::string& file);
    // The same for the file `name` in `directory`.
    bool listed(const std::string& directory, const std::string& name);

    // Fills kept_by_text_.
    void find_units_kept_by_text();
    // The texts for which `holds` is true, asked on the reading threads: each looks through a
    // whole text (the X server's 804 files: 40 ms on one thread).
    std::set<const FileText*> texts_where(const std::set<const FileText*>& texts,
                                          const std::function<bool(const FileText&)>& holds) const;

    unsigned threads_;

    std::unordered_map<std::string, std::unique_ptr<FileText>> files_;
    std::unordered_map<std::string, std::string> headers_;
    // Per directory a header was looked for in: its entries, none when it cannot be listed.
    std::unordered_map<std::string, std::optional<std::unordered_set<std::string>>> listings_;
    // Include directories as the jobs' arguments name them (after the job's directory and a
    // NUL), made absolute and normal: jobs share most of them.
    std::unordered_map<std::string, std::filesystem::path> directories_;
    // Each distinct list of include directories, numbered.
    std::unordered_map<std::string, std::size_t> search_paths_;
    // What an include resolves to (as find_header), by search path number, including directory
    // (quoted names only) and name.
    std::unordered_map<std::string, std::string> includes_;
    // included_headers()'s answers; each file points at its own, by search path number.
    std::deque<Resolution> resolutions_;
    SearchPath last_search_path_;
    // How many closures were taken: the mark of the files the current one has visited.
    std::size_t closure_count_ = 0;
    std::vector<std::vector<const FileText*>> closures_;
    // Per job: the number of its search path.
    std::vector<std::size_t> search_path_ids_;
    // Per job: whether the text of its file and headers keeps it, whatever the wrappers.
    std::vector<bool> kept_by_text_;
};

} // namespace devmem::scan::detail
