// The process entry point is `MittenCommand` itself (`@main` there). Installing NIO's
// event loops as Swift Concurrency's global executor before the command ran hung
// every command on this toolchain (the command never started), so the default
// executor is used until that is understood and measured again.
