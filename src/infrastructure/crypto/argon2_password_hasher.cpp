#include "infrastructure/crypto/argon2_password_hasher.hpp"

#include <sodium.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <stdexcept>

namespace brandos::crypto {

namespace asio = boost::asio;

Argon2PasswordHasher::Argon2PasswordHasher(int threads, int max_queued)
    : work_(io_.get_executor()),
      max_queued_(max_queued > 0 ? max_queued : 32 * std::max(1, threads)) {
  for (int i = 0; i < std::max(1, threads); ++i) {
    threads_.emplace_back([this] {
      // Nice 10 for this thread only (Linux applies nice per thread id).
      setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 10);
      io_.run();
    });
  }
}

Argon2PasswordHasher::~Argon2PasswordHasher() {
  shut_down();
}

void Argon2PasswordHasher::shut_down() {
  work_.reset();
  io_.stop();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
}

std::string Argon2PasswordHasher::hash_now(const std::string& password) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), kArgon2Ops, kArgon2MemoryBytes,
                            crypto_pwhash_ALG_ARGON2ID13) != 0)
    throw std::runtime_error("argon2id: out of memory");
  return out;
}

bool Argon2PasswordHasher::verify_now(const std::string& password, const std::string& encoded) {
  if (encoded.rfind("$argon2id$", 0) != 0 || encoded.size() >= crypto_pwhash_STRBYTES) return false;
  return crypto_pwhash_str_verify(encoded.c_str(), password.data(), password.size()) == 0;
}

namespace {
// Plain coroutines with by-value parameters, not capturing lambdas: co_spawn moves a lambda's
// closure around while its coroutine frame still refers to it.
asio::awaitable<std::string> hash_on_this_thread(std::string password) {
  co_return Argon2PasswordHasher::hash_now(password);
}
asio::awaitable<bool> verify_on_this_thread(std::string password, std::string encoded) {
  co_return Argon2PasswordHasher::verify_now(password, encoded);
}
}  // namespace

// A place in the bounded queue, held while the hash waits and runs.
class QueuePlace {
 public:
  QueuePlace(std::atomic<int>& queued, int max) : queued_(queued) {
    taken_ = queued_.fetch_add(1, std::memory_order_relaxed) < max;
  }
  ~QueuePlace() { queued_.fetch_sub(1, std::memory_order_relaxed); }
  QueuePlace(const QueuePlace&) = delete;
  QueuePlace& operator=(const QueuePlace&) = delete;
  bool taken() const { return taken_; }

 private:
  std::atomic<int>& queued_;
  bool taken_;
};

asio::awaitable<application::Outcome<std::string>> Argon2PasswordHasher::hash(
    std::string password) {
  QueuePlace place(queued_, max_queued_);
  if (!place.taken()) co_return std::unexpected(application::failures::unavailable());
  // Runs on a hashing thread; the caller resumes on its own executor.
  co_return co_await asio::co_spawn(io_, hash_on_this_thread(std::move(password)),
                                    asio::use_awaitable);
}

asio::awaitable<application::Outcome<bool>> Argon2PasswordHasher::verify(std::string password,
                                                                         std::string encoded) {
  QueuePlace place(queued_, max_queued_);
  if (!place.taken()) co_return std::unexpected(application::failures::unavailable());
  co_return co_await asio::co_spawn(
      io_, verify_on_this_thread(std::move(password), std::move(encoded)), asio::use_awaitable);
}

}  // namespace brandos::crypto
