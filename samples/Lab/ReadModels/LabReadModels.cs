using Lab.ReadModels.OpenTasks;
using Lab.ReadModels.TaskSignatures;
using Tessera;

namespace Lab.ReadModels;

/// <summary>The Lab's read side: its projections and queries; the host picks the read database.</summary>
public static class LabReadModels
{
    /// <summary>Adds the Lab's projections and queries to Tessera.</summary>
    public static TesseraBuilder AddLabReadModels(this TesseraBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddJson(LabReadJsonContext.Default);
        builder.AddProjection<OpenTasksProjection>();
        builder.AddProjection<TaskSignaturesProjection>();
        builder.Query<ListOpenTasks>("lab.list-open-tasks").Reads<OpenTasksProjection>();
        builder.AddQueryHandler<OpenTaskQueries>();
        builder.Query<GetTaskSignatures>("lab.get-task-signatures").Reads<TaskSignaturesProjection>();
        builder.AddQueryHandler<TaskSignatureQueries>();
        return builder;
    }
}
