import ArgumentParser
import Dispatch
import Foundation
import NIOCore
import NIOPosix

/// The entry point. `kms server` first makes the server's event loops Swift
/// concurrency's executor as well, so a request's handler runs on the thread
/// that reads and writes its connection instead of hopping to another pool and
/// back (measured: 15% of a GenerateDataKey's server CPU on two cores). Nothing
/// that blocks may run on a task then: disk writes have their own threads in the
/// store and the audit log, and long reads go to `Blocking.run` (KeyService).
@main
enum Main {
    static func main() {
        if CommandLine.arguments.dropFirst().first == "server" {
            NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        }
        Task {
            await Kms.main()
            exit(0)
        }
        dispatchMain()
    }
}

/// `kms`: runs the key service (`kms server`) and talks to it (every other command).
struct Kms: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kms",
        abstract: "A self-hosted key management and envelope-encryption service.",
        subcommands: [
            ServerCommand.self, KeysCommand.self, AliasesCommand.self, AuditCommand.self,
            EncryptBlobCommand.self, DecryptBlobCommand.self, DataKeyCommand.self, RandomCommand.self,
            EncryptCommand.self, DecryptCommand.self, InspectCommand.self, RewrapCommand.self, SignCommand.self, VerifyCommand.self,
            PrincipalsCommand.self, RolesCommand.self, BindCommand.self, UnbindCommand.self, BindingsCommand.self,
            GrantsCommand.self, BackupCommand.self, RestoreCommand.self,
        ])
}
