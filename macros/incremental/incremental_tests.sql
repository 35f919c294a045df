{#-
    Data tests in an incremental run read only the rows the run replaced (docs/decisions.md "Tests in
    incremental runs"). dbt hands every generic test its tested model through get_where_subquery; this
    project's version adds, for a model that replaces days (materialized='incremental' with a
    partition_column, or a view of such a model's rows that declares the same partition_column),
    `partition_column >= the window's first day (or month) or partition_column is null` when the run
    is an incremental `dbt build`. The rows before the window were tested by the build that wrote them
    and are not touched. A full build (full refresh, first build, changed settings), a `dbt test` on its
    own, and every run with var incremental_test_scope = 'all' test every row. A test that reads another
    model too (daily_counts_add_up, an expression comparing two tables) reads every row, since only the
    tested model would be cut to the window; relationships tests are the exception (each child row in
    the window must have its parent, wherever that is). A view of the raw message rows that declares
    meta raw_file_column (base_cs_raw__messages) is tested on the files the run loads (raw.pending_files):
    the others are the files earlier runs loaded and tested, unchanged since (same size and modification
    time). Any test can opt out with config meta: {whole_table: true}.
-#}
{% macro get_where_subquery(relation) -%}
    {%- set conditions = [] -%}
    {%- set where = config.get('where') -%}
    {%- if where -%}
        {%- do conditions.append('(' ~ where ~ ')') -%}
    {%- endif -%}
    {%- set window_condition = incremental_test_window_condition(relation) -%}
    {%- if window_condition -%}
        {%- do conditions.append(window_condition) -%}
    {%- endif -%}
    {%- if conditions | length > 0 -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ conditions | join(' and ') ~ ') dbt_subquery') -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}


{#- the window condition on `relation` for the test being compiled, or none (test every row) -#}
{% macro incremental_test_window_condition(relation) %}
    {%- if not execute or flags.WHICH != 'build' or var('incremental_test_scope') == 'all' or (config.get('meta') or {}).get('whole_table', false) -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if reads_other_models() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set model_node = replaced_days_model(relation) -%}
    {%- set file_node = raw_file_model(relation) -%}
    {%- if (model_node is none and file_node is none) or not incremental_window_exists() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set window = run_query('select is_full_recompute from raw.incremental_window') -%}
    {%- if window.rows | length == 0 or window.rows[0][0] -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if model_node is none -%}
        {#- a view of the raw message rows: the files this run loads (the others are unchanged and were tested) -#}
        {{ return('(' ~ file_node.config.meta.raw_file_column ~ ' in (select file_name from raw.pending_files))') }}
    {%- endif -%}
    {%- set column = model_node.config.get('partition_column') -%}
    {%- set first_day = incremental_window_start_date() -%}
    {%- if model_node.config.get('partition_grain', 'day') == 'month' -%}
        {%- set first_day = month_start(first_day) -%}
    {%- endif -%}
    {{ return('(' ~ column ~ ' >= ' ~ first_day ~ ' or ' ~ column ~ ' is null)') }}
{% endmacro %}


{#- the manifest node of the model behind `relation`, else none -#}
{% macro model_node_of(relation) %}
    {%- if relation is string or relation.identifier is not defined -%}
        {{ return(none) }}
    {%- endif -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type == 'model'
            and (node.alias or node.name) | lower == relation.identifier | lower
            and node.schema | lower == relation.schema | lower -%}
            {{ return(node) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(none) }}
{% endmacro %}


{#- the manifest node of the model behind `relation` when it replaces days (or is a view of one), else none -#}
{% macro replaced_days_model(relation) %}
    {%- set node = model_node_of(relation) -%}
    {%- if node is not none and node.config.materialized in ['incremental', 'view'] and node.config.get('partition_column') -%}
        {{ return(node) }}
    {%- endif -%}
    {{ return(none) }}
{% endmacro %}


{#- the manifest node of the view behind `relation` when it lists raw message rows by file (config meta
    raw_file_column: the column holding the file name), else none -#}
{% macro raw_file_model(relation) %}
    {%- set node = model_node_of(relation) -%}
    {%- if node is not none and (node.config.get('meta') or {}).get('raw_file_column') -%}
        {{ return(node) }}
    {%- endif -%}
    {{ return(none) }}
{% endmacro %}


{#- whether the test being compiled (the context's `model`) reads more than one model, relationships aside -#}
{% macro reads_other_models() %}
    {%- set test_node = model if model is mapping else {} -%}
    {%- set test_name = (test_node.get('test_metadata') or {}).get('name') -%}
    {%- set models_read = [] -%}
    {%- for unique_id in (test_node.get('depends_on') or {}).get('nodes', []) -%}
        {%- if unique_id.startswith('model.') -%}
            {%- do models_read.append(unique_id) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(test_name != 'relationships' and models_read | length > 1) }}
{% endmacro %}
