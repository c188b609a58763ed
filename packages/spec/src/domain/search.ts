/** The parsed form of MLflow's search grammar: comparisons joined by AND. */

export type ComparisonOperator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE' | 'ILIKE' | 'IN' | 'NOT IN';

export type SearchEntity = 'metric' | 'param' | 'tag' | 'attribute' | 'dataset';

export interface SearchComparison {
  entity: SearchEntity;
  key: string;
  operator: ComparisonOperator;
  /** number for metric and numeric attribute comparisons, string[] for IN / NOT IN, string otherwise. */
  value: number | string | string[];
}

export interface OrderByClause {
  entity: SearchEntity;
  key: string;
  ascending: boolean;
}

export interface RunSearchQuery {
  experimentIds: string[];
  filter: SearchComparison[];
  viewType: 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';
  orderBy: OrderByClause[];
  maxResults: number;
  pageToken: string | undefined;
}
