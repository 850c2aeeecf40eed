import ArgumentParser

/// `kms`: runs the key service (`kms server`) and talks to it (every other command).
@main
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
