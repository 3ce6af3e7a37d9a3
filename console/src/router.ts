import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { session, can } from './session'

const routes: RouteRecordRaw[] = [
  { path: '/signin', name: 'signin', component: () => import('./views/SignIn.vue'), meta: { public: true } },
  {
    path: '/',
    component: () => import('./layouts/MainLayout.vue'),
    children: [
      { path: '', name: 'home', redirect: () => home() },
      { path: 'overview', name: 'overview', component: () => import('./views/Overview.vue'), meta: { can: 'overview' } },
      { path: 'villages', name: 'villages', component: () => import('./views/Villages.vue'), meta: { can: 'villages' } },
      { path: 'villages/:code', name: 'village', component: () => import('./views/Village.vue'), meta: { can: 'villages' } },
      { path: 'households/:id', name: 'household', component: () => import('./views/Household.vue'), meta: { can: 'villages' } },
      { path: 'funds', name: 'funds', component: () => import('./views/Funds.vue'), meta: { can: 'funds' } },
      { path: 'import', name: 'import', component: () => import('./views/Import.vue'), meta: { can: 'import' } },
      { path: 'audit', name: 'audit', component: () => import('./views/Audit.vue'), meta: { can: 'audit' } },
    ],
  },
  { path: '/:rest(.*)*', redirect: '/' },
]

function home(): string {
  if (session.role === 'village_cadre' && session.scope) return `/villages/${session.scope}`
  if (can('overview')) return '/overview'
  if (can('villages')) return '/villages'
  return '/funds'
}

export const router = createRouter({ history: createWebHistory(), routes })

router.beforeEach((to) => {
  if (!to.meta.public && !session.token) return { name: 'signin', query: { next: to.fullPath } }
  const need = to.meta.can as string | undefined
  if (need && !can(need)) return home()
  return true
})
