using Tessera.Commands;
using Tessera.Testing;
using Xunit;

namespace Tessera.Tests.Testing;

public sealed class AggregateScenarioTests
{
    private static readonly AccountId Id = AccountId.New();
    private static readonly AggregateScenario<Account, AccountState> Scenario = AggregateScenario.For<Account, AccountState>(b => b.AddAccounts());

    [Fact]
    public void then_passes_when_the_events_match() =>
        Scenario.Given(new AccountOpened(Id, "carl")).When(new Deposit(Id, 5)).Then(new Deposited(Id, 5));

    [Fact]
    public void then_fails_with_both_event_lists_when_they_differ()
    {
        var error = Assert.Throws<ScenarioException>(() =>
            Scenario.Given(new AccountOpened(Id, "carl")).When(new Deposit(Id, 5)).Then(new Deposited(Id, 6)));
        Assert.Contains("\"amount\":6", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"amount\":5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void command_rules_and_state_rules_are_both_checked() =>
        Scenario.Given(new AccountOpened(Id, "carl")).When(new Withdraw(Id, 5)).ThenViolates("account.insufficient-funds", "account.balance-zero");

    [Fact]
    public void command_rules_report_every_violation() =>
        Scenario.Given(new AccountOpened(Id, "carl")).When(new Deposit(Id, 1000.5m)).ThenViolates("account.amount-too-large", "account.amount-not-whole");

    [Fact]
    public void then_violates_fails_when_another_rule_is_violated()
    {
        var error = Assert.Throws<ScenarioException>(() =>
            Scenario.Given(new AccountOpened(Id, "carl")).When(new Withdraw(Id, 5)).ThenViolates("account.insufficient-funds"));
        Assert.Contains("account.balance-zero", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void a_command_on_no_history_for_an_existing_only_command_is_not_found() =>
        Scenario.Given().When(new Deposit(Id, 5)).ThenFails(CommandStatus.NotFound);

    [Fact]
    public void a_creating_command_on_an_existing_aggregate_is_a_conflict() =>
        Scenario.Given(new AccountOpened(Id, "carl")).When(new OpenAccount(Id, "carl")).ThenFails(CommandStatus.Conflict);

    [Fact]
    public void the_outcome_exposes_the_state_after_the_events()
    {
        var outcome = Scenario.Given(new AccountOpened(Id, "carl"), new Deposited(Id, 10)).When(new Withdraw(Id, 4)).Then(new Withdrawn(Id, 4));
        Assert.Equal(6m, outcome.State.Balance);
    }

    [Fact]
    public void expecting_an_acceptance_of_a_rejected_command_fails_with_the_rule_codes()
    {
        var error = Assert.Throws<ScenarioException>(() => Scenario.Given(new AccountOpened(Id, "carl")).When(new Withdraw(Id, 5)).ThenNothing());
        Assert.Contains("ValidationFailed (account.insufficient-funds", error.Message, StringComparison.Ordinal);
    }
}
